import AgentModel

/// One call waiting for the writer: an `append` or `recordCommand` (with a waiter) or an `enqueue` (without).
struct PendingWrite: Sendable {
    enum Content: Sendable {
        case events([LedgerEvent])
        case command(CommandRecord)
        /// An idempotency record, committed in the same transaction as `events` (which may be empty).
        case request(ControlRequestRecord, events: [LedgerEvent])
    }

    var content: Content
    /// Resumed once the batch holding this write has committed or failed; nil for fire-and-forget `enqueue`.
    var waiter: CheckedContinuation<Void, any Error>?

    /// Rows this write inserts (a command counts as one).
    var rowCount: Int {
        switch content {
        case .events(let events): events.count
        case .command: 1
        case .request(_, let events): events.count + 1
        }
    }

    /// The events this write carries (none for a command).
    var events: [LedgerEvent] {
        switch content {
        case .events(let events), .request(_, let events): events
        case .command: []
        }
    }

    /// Number of events this write carries (commands carry none).
    var eventCount: Int {
        switch content {
        case .events(let events), .request(_, let events): events.count
        case .command: 0
        }
    }

    /// The distinct runs this write touches, in first-appearance order.
    var runs: [RunID] {
        let events = self.events
        guard !events.isEmpty else { return [] }
        var seen = Set<RunID>()
        return events.compactMap { seen.insert($0.runID).inserted ? $0.runID : nil }
    }

    /// Resumes the waiter, if any, with success.
    func succeed() { waiter?.resume() }

    /// Resumes the waiter, if any, with `failure`.
    func fail(_ failure: LedgerFailure) { waiter?.resume(throwing: failure) }
}
