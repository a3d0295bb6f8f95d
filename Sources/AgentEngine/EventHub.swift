import AgentModel
import Synchronization

/// Fans committed ledger events out to the runs' live subscribers.
///
/// The ledger calls ``publish(_:)`` after each commit, in commit order. Each subscriber gets a commit batch as one
/// hand-off into its ``LiveEventMailbox`` (not one per event), so N attached clients cost N wake-ups per commit.
/// A subscriber that falls behind loses live events (its buffer is bounded) and its ``RunFeed`` refills the gap
/// from the ledger, so the publisher never waits for anyone.
public final class EventHub: Sendable {
    private struct Subscribers {
        var nextID: UInt64 = 0
        var byRun: [RunID: [UInt64: LiveEventMailbox]] = [:]
    }

    private let subscribers = Mutex(Subscribers())
    private let bufferLimit: Int

    /// - Parameter bufferLimit: live events a subscriber may lag behind before they are dropped (and refilled
    ///   from the ledger by its feed).
    public init(bufferLimit: Int = 4096) {
        self.bufferLimit = bufferLimit
    }

    /// Delivers committed events to the subscribers of their runs.
    public func publish(_ events: [LedgerEvent]) {
        // A snapshot of the subscribers (copy-on-write: no copy unless one subscribes meanwhile); then one hand-off
        // per subscriber and commit batch, with nothing done for runs nobody watches.
        let byRun = subscribers.withLock { $0.byRun }
        guard !byRun.isEmpty else { return }
        var batches: [RunID: [LedgerEvent]] = [:]
        for event in events where byRun[event.runID] != nil { batches[event.runID, default: []].append(event) }
        for (run, batch) in batches {
            for mailbox in byRun[run, default: [:]].values { mailbox.deliver(batch) }
        }
    }

    /// Live events of `run` committed from now on, until ``unsubscribe(_:run:)`` or ``finishAll()``.
    public func subscribe(to run: RunID) -> (id: UInt64, events: LiveEventMailbox) {
        let mailbox = LiveEventMailbox(limit: bufferLimit)
        let id = subscribers.withLock { state in
            state.nextID += 1
            state.byRun[run, default: [:]][state.nextID] = mailbox
            return state.nextID
        }
        return (id, mailbox)
    }

    /// Ends one subscription.
    public func unsubscribe(_ id: UInt64, run: RunID) {
        let mailbox = subscribers.withLock { state -> LiveEventMailbox? in
            let removed = state.byRun[run]?.removeValue(forKey: id)
            if state.byRun[run]?.isEmpty == true { state.byRun[run] = nil }
            return removed
        }
        mailbox?.finish()
    }

    /// Ends every subscription (daemon shutdown).
    public func finishAll() {
        let all = subscribers.withLock { state -> [LiveEventMailbox] in
            defer { state.byRun = [:] }
            return state.byRun.values.flatMap { $0.values }
        }
        for mailbox in all { mailbox.finish() }
    }

    /// Number of live subscriptions.
    public var subscriptionCount: Int {
        subscribers.withLock { $0.byRun.values.reduce(0) { $0 + $1.count } }
    }
}
