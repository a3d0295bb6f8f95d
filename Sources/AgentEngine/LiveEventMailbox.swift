import AgentModel
import Synchronization

/// One live subscriber's bounded buffer of committed events, filled by ``EventHub/publish(_:)`` and emptied a
/// whole batch at a time by its ``RunFeed``.
///
/// Taking everything buffered at once means a consumer that wakes up once per commit batch, not once per
/// event. Past `limit` buffered events new events are dropped and the next batch says so, so the feed refills
/// the gap from the ledger; the publisher never waits.
public final class LiveEventMailbox: Sendable {
    /// What ``take()`` returns: the events buffered since the last take, in commit order.
    public struct Batch: Sendable {
        public var events: [LedgerEvent]
        /// Events after the last one in `events` were dropped (the buffer was full): read them from the ledger.
        public var dropped: Bool
    }

    private struct State {
        var events: [LedgerEvent] = []
        var dropped = false
        var finished = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())
    private let limit: Int

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Appends `events`, dropping what does not fit; wakes the consumer.
    func deliver(_ events: some Sequence<LedgerEvent>) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.finished else { return nil }
            for event in events {
                guard state.events.count < limit else {
                    state.dropped = true
                    break
                }
                state.events.append(event)
            }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Ends the mailbox: ``take()`` returns what is buffered, then nil.
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Waits for events and takes all of them; nil once finished and drained, or when the task is cancelled.
    /// One consumer only.
    public func take() async -> Batch? {
        while true {
            let ready = state.withLock { state -> Batch?? in
                if !state.events.isEmpty || state.dropped {
                    defer {
                        state.events = []
                        state.dropped = false
                    }
                    return .some(Batch(events: state.events, dropped: state.dropped))
                }
                return state.finished ? .some(nil) : nil
            }
            if let ready { return ready }
            if Task.isCancelled { return nil }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        if !state.events.isEmpty || state.dropped || state.finished || Task.isCancelled { return true }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume()
            }
        }
    }
}
