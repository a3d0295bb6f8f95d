import Synchronization
import AgentModel
import AgentProtocol
import NIOCore

/// The single, bounded outbound queue of one connection: responses and the notifications of its subscriptions.
///
/// Responses and `run/attach_ended` are always accepted (their number is bounded by the in-flight and subscription
/// limits). Run events count against `eventLimit`. A live event that finds the queue full cuts its subscription
/// off — that subscription's queued events are dropped and replaced by one `run/attach_ended` (`slow_consumer`)
/// whose `next_seq` is the first seq the client did not get; enqueueing live events never waits, so the run is
/// never slowed by a client. Events read from the ledger (history) instead wait for the writer to make room, and
/// fill at most half the queue so live events of the connection's other subscriptions still fit.
///
/// Responses are bounded another way: once more than `responseByteLimit` bytes of them are unsent, the connection
/// stops reading requests (``waitForResponseRoom()``) until the client reads; the kernel's socket buffer then
/// stops the client's writes. A client that pipelines requests without reading answers cannot grow memory.
final class OutboundQueue: Sendable {
    /// One line waiting for the writer.
    enum Item {
        case line(OutboundLine)
        case event(subscription: String, seq: Int64, line: OutboundLine)

        var line: OutboundLine {
            switch self {
            case .line(let line): line
            case .event(_, _, let line): line
            }
        }
    }

    private struct Subscription {
        var runID: RunID
        /// The seq after the last event enqueued (what `next_seq` is when the subscription ends normally).
        var nextSeq: Int64
    }

    private struct State {
        var items = CircularBuffer<Item>()
        var eventCount = 0
        /// Bytes of queued lines that are not run events (responses, ends, errors).
        var responseBytes = 0
        /// The connection's reader, waiting for unsent responses to drop below the limit.
        var readerWaiter: CheckedContinuation<Void, Never>?
        var subscriptions: [String: Subscription] = [:]
        var finished = false
        var waiter: CheckedContinuation<Void, Never>?
        /// Producers of ledger events waiting for room, by waiter id.
        var roomWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextRoomWaiter: UInt64 = 0
    }

    private let eventLimit: Int
    /// Queued events past which ledger events wait for the writer.
    private let ledgerLimit: Int
    /// Unsent response bytes past which the connection stops reading requests.
    private let responseByteLimit: Int
    private let state = Mutex(State())

    init(eventLimit: Int, responseByteLimit: Int = 1 << 20) {
        self.eventLimit = max(1, eventLimit)
        self.ledgerLimit = max(1, eventLimit / 2)
        self.responseByteLimit = max(1, responseByteLimit)
    }

    /// Queues a response or other control line. Ignored once finished.
    func enqueue(_ line: ByteBuffer) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.finished else { return nil }
            Self.append(line, to: &state)
            return Self.takeWaiter(&state)
        }
        waiter?.resume()
    }

    /// Starts accounting for a subscription whose first event will be `fromSeq`.
    func register(subscription: String, runID: RunID, fromSeq: Int64) {
        state.withLock { $0.subscriptions[subscription] = Subscription(runID: runID, nextSeq: fromSeq) }
    }

    /// Whether `subscription` is registered and not ended.
    func isActive(_ subscription: String) -> Bool {
        state.withLock { $0.subscriptions[subscription] != nil }
    }

    /// Queues run events of `subscription`, in seq order, under one lock (one commit batch at a time).
    ///
    /// - Returns: `false` when the subscription is over (ended, cut off now or before, or the queue finished):
    ///   the caller must stop consuming the backend stream.
    func enqueueEvents(subscription: String, _ events: [(seq: Int64, line: OutboundLine)]) -> Bool {
        var roomWaiters: [CheckedContinuation<Void, Never>] = []
        let (accepted, waiter) = state.withLock {
            state -> (Bool, CheckedContinuation<Void, Never>?) in
            guard !state.finished, var sub = state.subscriptions[subscription] else { return (false, nil) }
            for (seq, line) in events {
                // Defensive: a backend that overlaps history and live events must not duplicate them on the wire.
                if seq < sub.nextSeq { continue }
                if state.eventCount >= eventLimit {
                    Self.cutOff(subscription, runID: sub.runID, at: seq, in: &state)
                    roomWaiters = Self.takeRoomWaiters(&state)
                    return (false, Self.takeWaiter(&state))
                }
                sub.nextSeq = seq + 1
                state.items.append(.event(subscription: subscription, seq: seq, line: line))
                state.eventCount += 1
            }
            state.subscriptions[subscription] = sub
            return (true, Self.takeWaiter(&state))
        }
        waiter?.resume()
        for roomWaiter in roomWaiters { roomWaiter.resume() }
        return accepted
    }

    /// Queues events of `subscription` read from the ledger, in seq order, waiting whenever the queue holds half
    /// its limit until the writer makes room: history is paced by the client, never cut off.
    ///
    /// - Returns: `false` when the subscription is over (ended, cut off, the queue finished, or the task was
    ///   cancelled): the caller must stop consuming the backend stream.
    func enqueueLedgerEvents(subscription: String, _ events: [(seq: Int64, line: OutboundLine)]) async -> Bool {
        var remaining = events[...]
        while true {
            let (active, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
                guard !state.finished, var sub = state.subscriptions[subscription] else { return (false, nil) }
                while state.eventCount < ledgerLimit, let event = remaining.popFirst() {
                    if event.seq < sub.nextSeq { continue }
                    sub.nextSeq = event.seq + 1
                    state.items.append(.event(subscription: subscription, seq: event.seq, line: event.line))
                    state.eventCount += 1
                }
                state.subscriptions[subscription] = sub
                return (true, Self.takeWaiter(&state))
            }
            waiter?.resume()
            guard active else { return false }
            if remaining.isEmpty { return true }
            await waitForRoom(subscription)
            if Task.isCancelled { return false }
        }
    }

    /// Returns once ledger events fit again, or the subscription or queue is over, or the task is cancelled.
    private func waitForRoom(_ subscription: String) async {
        let id = state.withLock { state -> UInt64 in
            state.nextRoomWaiter += 1
            return state.nextRoomWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.eventCount < ledgerLimit || state.finished || state.subscriptions[subscription] == nil
                        || Task.isCancelled
                    {
                        return true
                    }
                    state.roomWaiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.roomWaiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Drops what `subscription` still has queued and queues its `slow_consumer` end, whose resume cursor is the
    /// first seq not sent (`seq` when nothing of it was queued).
    private static func cutOff(_ subscription: String, runID: RunID, at seq: Int64, in state: inout State) {
        var firstDropped: Int64?
        var kept = CircularBuffer<Item>(initialCapacity: state.items.count)
        for item in state.items {
            if case .event(let owner, let queuedSeq, _) = item, owner == subscription {
                if firstDropped == nil { firstDropped = queuedSeq }
                state.eventCount -= 1
            } else {
                kept.append(item)
            }
        }
        state.items = kept
        state.subscriptions[subscription] = nil
        let ended = endedLine(
            subscription: subscription, runID: runID, reason: .slowConsumer, nextSeq: firstDropped ?? seq)
        append(ended, to: &state)
    }

    /// Ends `subscription` with `reason`: queues `run/attach_ended` after its queued events.
    ///
    /// - Returns: `false` when the subscription was not active (already ended, or unknown).
    @discardableResult
    func end(subscription: String, reason: AttachEndReason) -> Bool {
        var roomWaiters: [CheckedContinuation<Void, Never>] = []
        let (ended, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            guard let sub = state.subscriptions.removeValue(forKey: subscription) else { return (false, nil) }
            roomWaiters = Self.takeRoomWaiters(&state)
            guard !state.finished else { return (true, nil) }
            let line = Self.endedLine(
                subscription: subscription, runID: sub.runID, reason: reason, nextSeq: sub.nextSeq)
            Self.append(line, to: &state)
            return (true, Self.takeWaiter(&state))
        }
        waiter?.resume()
        for roomWaiter in roomWaiters { roomWaiter.resume() }
        return ended
    }

    /// Ends every active subscription with `reason` (graceful shutdown).
    func endAll(reason: AttachEndReason) -> [String] {
        let names = state.withLock { Array($0.subscriptions.keys).sorted() }
        return names.filter { end(subscription: $0, reason: reason) }
    }

    /// Accepts nothing more; the writer gets what is queued, then `nil`.
    func finish() {
        var roomWaiters: [CheckedContinuation<Void, Never>] = []
        var reader: CheckedContinuation<Void, Never>?
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.finished = true
            state.subscriptions.removeAll()
            roomWaiters = Self.takeRoomWaiters(&state)
            reader = state.readerWaiter
            state.readerWaiter = nil
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
        reader?.resume()
        for roomWaiter in roomWaiters { roomWaiter.resume() }
    }

    /// Drops everything queued and finishes (the connection is gone).
    func discard() {
        var roomWaiters: [CheckedContinuation<Void, Never>] = []
        var reader: CheckedContinuation<Void, Never>?
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.finished = true
            state.subscriptions.removeAll()
            state.items.removeAll()
            state.eventCount = 0
            state.responseBytes = 0
            roomWaiters = Self.takeRoomWaiters(&state)
            reader = state.readerWaiter
            state.readerWaiter = nil
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
        reader?.resume()
        for roomWaiter in roomWaiters { roomWaiter.resume() }
    }

    /// Returns once the unsent responses fit under the limit again (at once when they do), or the queue finished.
    /// The connection's reader calls it after each request, so a client that does not read stops being read.
    func waitForResponseRoom() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if state.responseBytes <= responseByteLimit || state.finished { return true }
                state.readerWaiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Bytes of unsent responses (for tests and status).
    var queuedResponseBytes: Int { state.withLock { $0.responseBytes } }

    /// Waits for the next lines and returns them as one buffer (about `maxBytes`, at least one line), so the
    /// writer makes one write and one flush for everything queued meanwhile; `nil` when finished and drained.
    /// One consumer only.
    func nextChunk(maxBytes: Int = OutboundQueue.chunkBytes) async -> ByteBuffer? {
        while true {
            var roomWaiters: [CheckedContinuation<Void, Never>] = []
            var reader: CheckedContinuation<Void, Never>?
            let ready: [OutboundLine]?? = state.withLock { state in
                if !state.items.isEmpty {
                    let lines = Self.take(&state, maxBytes: maxBytes)
                    if state.eventCount < ledgerLimit { roomWaiters = Self.takeRoomWaiters(&state) }
                    if state.responseBytes <= responseByteLimit {
                        reader = state.readerWaiter
                        state.readerWaiter = nil
                    }
                    return .some(lines)
                }
                if state.finished { return .some(nil) }
                return .none
            }
            for roomWaiter in roomWaiters { roomWaiter.resume() }
            reader?.resume()
            if let ready {
                guard let lines = ready else { return nil }
                // Assembled outside the lock: the producers (one per subscription) never wait for the copy.
                var chunk = ByteBuffer()
                chunk.reserveCapacity(lines.reduce(0) { $0 + $1.count })
                for line in lines { line.write(into: &chunk) }
                return chunk
            }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if !state.items.isEmpty || state.finished { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// Number of run events waiting (for tests and status).
    var queuedEvents: Int { state.withLock { $0.eventCount } }

    // The waiter is resumed outside the lock; it then takes what is queued itself.
    private static func takeWaiter(_ state: inout State) -> CheckedContinuation<Void, Never>? {
        let waiter = state.waiter
        state.waiter = nil
        return waiter
    }

    private static func append(_ line: ByteBuffer, to state: inout State) {
        state.items.append(.line(.bytes(line)))
        state.responseBytes += line.readableBytes
    }

    private static func takeRoomWaiters(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        defer { state.roomWaiters.removeAll() }
        return Array(state.roomWaiters.values)
    }

    static let chunkBytes = 64 * 1024

    private static func take(_ state: inout State, maxBytes: Int) -> [OutboundLine] {
        var lines: [OutboundLine] = []
        var bytes = 0
        while bytes < maxBytes, let item = state.items.popFirst() {
            let line = item.line
            switch item {
            case .event: state.eventCount -= 1
            case .line: state.responseBytes -= line.count
            }
            bytes += line.count
            lines.append(line)
        }
        return lines
    }

    private static func endedLine(
        subscription: String, runID: RunID, reason: AttachEndReason, nextSeq: Int64
    ) -> ByteBuffer {
        let params = RunAttachEnded.Params(subscriptionID: subscription, runID: runID, reason: reason, nextSeq: nextSeq)
        return WireEncoding.line(JSONRPCNotification(RunAttachEnded.self, params))
    }
}
