import Synchronization

/// Counts requests that continue a chain (`previous_response_id`, the server's lane cache hit) and requests that
/// carry the whole conversation, from many tasks.
final class RequestKindCount: Sendable {
    private let counts = Mutex<(continued: Int, full: Int)>((0, 0))

    /// Counts one `response.create` frame (warm-ups included).
    func count(_ frame: String) {
        let continues = frame.contains("\"previous_response_id\"")
        counts.withLock { counts in
            if continues { counts.continued += 1 } else { counts.full += 1 }
        }
    }

    var continued: Int { counts.withLock { $0.continued } }
    var full: Int { counts.withLock { $0.full } }
}
