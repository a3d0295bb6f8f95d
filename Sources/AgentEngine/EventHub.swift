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
        guard let first = events.first else { return }
        // A commit batch nearly always holds one run's events: hand them over as one slice per subscriber.
        if events.allSatisfy({ $0.runID == first.runID }) {
            let mailboxes = subscribers.withLock { state in state.byRun[first.runID].map { Array($0.values) } ?? [] }
            for mailbox in mailboxes { mailbox.deliver(events) }
            return
        }
        var byRun: [RunID: [LedgerEvent]] = [:]
        for event in events { byRun[event.runID, default: []].append(event) }
        let targets = subscribers.withLock { state in
            byRun.flatMap { run, events in (state.byRun[run]?.values).map { $0.map { ($0, events) } } ?? [] }
        }
        for (mailbox, events) in targets { mailbox.deliver(events) }
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
