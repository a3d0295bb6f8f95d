import AgentModel
import Synchronization

/// Fans committed ledger events out to the runs' live subscribers.
///
/// The ledger calls ``publish(_:)`` after each commit, in commit order. A subscriber that falls behind loses
/// live events (its buffer is bounded) and its ``RunFeed`` refills the gap from the ledger, so the
/// publisher never waits for anyone.
public final class EventHub: Sendable {
    private struct Subscribers {
        var nextID: UInt64 = 0
        var byRun: [RunID: [UInt64: AsyncStream<LedgerEvent>.Continuation]] = [:]
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
        var targets: [(AsyncStream<LedgerEvent>.Continuation, LedgerEvent)] = []
        subscribers.withLock { state in
            for event in events {
                guard let continuations = state.byRun[event.runID] else { continue }
                for continuation in continuations.values { targets.append((continuation, event)) }
            }
        }
        for (continuation, event) in targets { continuation.yield(event) }
    }

    /// Live events of `run` committed from now on, until ``unsubscribe(_:run:)`` or ``finishAll()``.
    public func subscribe(to run: RunID) -> (id: UInt64, events: AsyncStream<LedgerEvent>) {
        let (stream, continuation) = AsyncStream.makeStream(
            of: LedgerEvent.self, bufferingPolicy: .bufferingOldest(bufferLimit))
        let id = subscribers.withLock { state in
            state.nextID += 1
            state.byRun[run, default: [:]][state.nextID] = continuation
            return state.nextID
        }
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id, run: run) }
        return (id, stream)
    }

    /// Ends one subscription.
    public func unsubscribe(_ id: UInt64, run: RunID) {
        let continuation = subscribers.withLock { state -> AsyncStream<LedgerEvent>.Continuation? in
            let removed = state.byRun[run]?.removeValue(forKey: id)
            if state.byRun[run]?.isEmpty == true { state.byRun[run] = nil }
            return removed
        }
        continuation?.finish()
    }

    /// Ends every subscription (daemon shutdown).
    public func finishAll() {
        let all = subscribers.withLock { state -> [AsyncStream<LedgerEvent>.Continuation] in
            defer { state.byRun = [:] }
            return state.byRun.values.flatMap { $0.values }
        }
        for continuation in all { continuation.finish() }
    }

    /// Number of live subscriptions.
    public var subscriptionCount: Int {
        subscribers.withLock { $0.byRun.values.reduce(0) { $0 + $1.count } }
    }
}
