import Logging

extension ControlServer {
    /// Deletes idempotency records past their retention (at start-up; later prunes follow requests).
    ///
    /// A failure is logged and left for the next prune: an old record only answers a retry longer than promised.
    func pruneIdempotencyRecords() async {
        do {
            let pruned = try await idempotency.pruneExpired()
            if pruned > 0 {
                logger.info("expired idempotency records pruned", metadata: ["count": "\(pruned)"])
            }
        } catch {
            logger.warning("cannot prune expired idempotency records", metadata: ["error": "\(error)"])
        }
    }
}
