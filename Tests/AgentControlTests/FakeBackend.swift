import AgentControl
import AgentModel
import AgentProtocol
import Foundation

/// An in-memory backend: runs are lists of events; `emit` is synchronous and never waits for subscribers.
final class FakeBackend: ControlBackend, @unchecked Sendable {
    private struct Run {
        var state: RunState
        var events: [LedgerEvent] = []
        var ended = false
        var subscribers: [Int: AsyncStream<AttachItem>.Continuation] = [:]
    }

    // Recursive: a continuation's onTermination may run inside `finish()` while the lock is held.
    private let lock = NSRecursiveLock()
    private var runs: [RunID: Run] = [:]
    private var nextSubscriber = 0
    private var subscriberWaiters: [(RunID, Int, CheckedContinuation<Void, Never>)] = []
    private var commandLog: [CommandRecord] = []
    private var startCount = 0
    private var waiting: [RunID: [ApprovalInfo]] = [:]
    private var decided: [RunID: [String: Bool]] = [:]
    private var decisionLog: [Decision] = []
    private var inputLog: [RunID: [(id: String, text: String)]] = [:]
    private var cancelLog: [Cancellation] = []
    private var storedOutputs: [String: StoredToolOutput] = [:]

    /// A decision the backend recorded, with who made it.
    struct Decision: Equatable {
        var runID: RunID
        var callID: String
        var approved: Bool
        var reason: String?
        var clientName: String
        var uid: UInt32
    }

    /// A cancel request the backend took.
    struct Cancellation: Equatable {
        var runID: RunID
        var mode: RunCancel.Mode
        var reason: String
    }
    /// When set, `startRun` waits until it is opened (to hold requests in flight).
    let startGate = Gate()
    /// Where idempotency records persist (nil: memory only); `startRun` with a recorder commits its record here.
    var requestStore: (any ControlRequestStore)?

    private func locked<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Creates a run with `historyCount` events (the first is `run.started`).
    @discardableResult
    func addRun(_ id: RunID, historyCount: Int = 1, payloadBytes: Int = 0) -> RunState {
        locked {
            var state = RunState(id: id)
            state.prompt = "prompt of \(id)"
            state.model = "fake"
            runs[id] = Run(state: state)
        }
        emit(id, count: historyCount, payloadBytes: payloadBytes)
        return locked { runs[id]!.state }
    }

    /// Appends `count` events to `id` and hands them to every subscriber; never blocks.
    func emit(_ id: RunID, count: Int, payloadBytes: Int = 0) {
        let filler = String(repeating: "x", count: payloadBytes)
        locked {
            guard var run = runs[id] else { return }
            for _ in 0..<count {
                let seq = Int64(run.events.count)
                let event = LedgerEvent(
                    runID: id, seq: seq, timestampMillis: 1000 + seq, kind: seq == 0 ? .run : .upstreamIn,
                    type: seq == 0 ? RunEventType.started : "response.output_text.delta",
                    payload: #"{"n":\#(seq),"d":"\#(filler)"}"#)
                run.events.append(event)
                run.state.lastSeq = seq
                for continuation in run.subscribers.values { continuation.yield(.event(event)) }
            }
            runs[id] = run
        }
    }

    /// Completes `id`: one `run.completed` event, then every subscription ends with `run_ended`.
    func end(_ id: RunID) {
        locked {
            guard var run = runs[id] else { return }
            let seq = Int64(run.events.count)
            let event = LedgerEvent(
                runID: id, seq: seq, timestampMillis: 1000 + seq, kind: .run, type: RunEventType.completed,
                payload: "{}")
            run.events.append(event)
            run.state.lastSeq = seq
            run.state.status = .completed
            run.ended = true
            let subscribers = run.subscribers
            run.subscribers = [:]
            runs[id] = run
            for continuation in subscribers.values {
                continuation.yield(.event(event))
                continuation.yield(.ended(reason: .runEnded, nextSeq: seq + 1))
                continuation.finish()
            }
        }
    }

    /// Live subscriber streams of `id`.
    func subscriberCount(_ id: RunID) -> Int { locked { runs[id]?.subscribers.count ?? 0 } }

    /// Waits until `id` has exactly `count` subscribers.
    func waitForSubscribers(_ id: RunID, count: Int) async {
        await withCheckedContinuation { continuation in
            let ready = locked {
                if (runs[id]?.subscribers.count ?? 0) == count { return true }
                subscriberWaiters.append((id, count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    var commands: [CommandRecord] { locked { commandLog } }

    /// How many times `startRun` ran.
    var startedRuns: Int { locked { startCount } }
    var decisions: [Decision] { locked { decisionLog } }
    var cancellations: [Cancellation] { locked { cancelLog } }
    func inputs(of id: RunID) -> [String] { locked { (inputLog[id] ?? []).map(\.text) } }

    /// Makes call `callID` of `id` wait for a decision.
    func addApproval(_ id: RunID, callID: String, name: String = "shell", arguments: String = "{}") {
        locked {
            waiting[id, default: []].append(
                ApprovalInfo(runID: id, callID: callID, name: name, arguments: arguments, reason: "policy"))
            runs[id]?.state.status = .awaitingApproval
        }
    }

    /// Sets the status of `id` (e.g. to test what a completed run refuses).
    func setStatus(_ id: RunID, _ status: RunStatus) { locked { runs[id]?.state.status = status } }

    private func notifyWaiters() {
        // Called with the lock held.
        var remaining: [(RunID, Int, CheckedContinuation<Void, Never>)] = []
        for waiter in subscriberWaiters {
            if (runs[waiter.0]?.subscribers.count ?? 0) == waiter.1 {
                waiter.2.resume()
            } else {
                remaining.append(waiter)
            }
        }
        subscriberWaiters = remaining
    }

    // MARK: ControlBackend

    func startRun(_ params: RunStart.Params, client: ClientIdentity) async throws -> RunState {
        await startGate.wait()
        locked { startCount += 1 }
        let id = RunID.generate()
        var state = addRun(id)
        state.prompt = params.prompt ?? ""
        locked { runs[id]?.state.prompt = params.prompt ?? "" }
        return state
    }

    func startRun(_ params: RunStart.Params, client: ClientIdentity, recorder: IdempotencyRecorder?) async throws
        -> RunState
    {
        let state = try await startRun(params, client: client)
        // The engine commits the record with `run.started`; here the fake store stands in for that transaction.
        if let recorder, let requestStore {
            try await requestStore.recordControlRequest(try recorder.record(for: state))
        }
        return state
    }

    func runState(_ id: RunID) async throws -> RunState {
        guard let state = locked({ runs[id]?.state }) else { throw ControlError.runNotFound(id) }
        return state
    }

    func listRuns(limit: Int, before: RunID?) async throws -> [RunSummary] {
        locked {
            runs.values.map(\.state)
                .filter { before == nil || $0.id < before! }
                .sorted { $0.id > $1.id }
                .prefix(limit)
                .map {
                    RunSummary(
                        id: $0.id, status: $0.status, model: $0.model, prompt: $0.prompt,
                        createdAtMillis: $0.createdAtMillis, updatedAtMillis: $0.updatedAtMillis)
                }
        }
    }

    func attach(_ id: RunID, fromSeq: Int64) async throws -> AsyncStream<AttachItem> {
        let (stream, continuation) = AsyncStream.makeStream(of: AttachItem.self, bufferingPolicy: .unbounded)
        try locked {
            guard var run = runs[id] else { throw ControlError.runNotFound(id) }
            for event in run.events where event.seq >= fromSeq { continuation.yield(.event(event)) }
            if run.ended {
                continuation.yield(.ended(reason: .runEnded, nextSeq: Int64(run.events.count)))
                continuation.finish()
                return
            }
            let key = nextSubscriber
            nextSubscriber += 1
            run.subscribers[key] = continuation
            runs[id] = run
            continuation.onTermination = { [weak self] _ in
                guard let self else { return }
                self.locked {
                    self.runs[id]?.subscribers[key] = nil
                    self.notifyWaiters()
                }
            }
            notifyWaiters()
        }
        return stream
    }

    func lastSeq(_ id: RunID) async throws -> Int64 {
        guard let seq = locked({ runs[id]?.state.lastSeq }) else { throw ControlError.runNotFound(id) }
        return seq
    }

    func daemonStatus() async -> BackendStatus {
        BackendStatus(
            stateDir: "/state", runsActive: locked { runs.values.filter { !$0.ended }.count },
            upstream: [["state": "open"]])
    }

    func addInput(_ id: RunID, text: String, inputID: String, client: ClientIdentity) async throws -> InputOutcome {
        try locked {
            guard let state = runs[id]?.state else { throw ControlError.runNotFound(id) }
            let applied = !(inputLog[id] ?? []).contains { $0.id == inputID }
            if applied { inputLog[id, default: []].append((inputID, text)) }
            return InputOutcome(state: state, applied: applied)
        }
    }

    func cancelRun(_ id: RunID, mode: RunCancel.Mode, reason: String, client: ClientIdentity) async throws
        -> RunState
    {
        try locked {
            guard let state = runs[id]?.state else { throw ControlError.runNotFound(id) }
            guard state.status != .completed, state.status != .cancelled else {
                throw ControlError(code: .invalidParams, message: "run \(id) is already \(state.status.rawValue)")
            }
            cancelLog.append(Cancellation(runID: id, mode: mode, reason: reason))
            runs[id]?.state.status = .cancelled
            return runs[id]!.state
        }
    }

    func resumeRun(_ id: RunID, client: ClientIdentity) async throws -> RunState {
        try locked {
            guard let state = runs[id]?.state else { throw ControlError.runNotFound(id) }
            guard state.status == .interrupted || state.status == .failed else {
                throw ControlError(code: .invalidParams, message: "run \(id) is \(state.status.rawValue)")
            }
            runs[id]?.state.status = .running
            return runs[id]!.state
        }
    }

    func pendingApprovals(_ run: RunID?) async throws -> [ApprovalInfo] {
        try locked {
            if let run, runs[run] == nil { throw ControlError.runNotFound(run) }
            return waiting.keys.sorted().filter { run == nil || $0 == run }.flatMap { waiting[$0] ?? [] }
        }
    }

    /// Makes `toolOutput` return `output` for that call's stream.
    func setToolOutput(_ output: StoredToolOutput, run: RunID, callID: String, stream: ToolOutput.Stream) {
        locked { storedOutputs["\(run)/\(callID)/\(stream.rawValue)"] = output }
    }

    func toolOutput(_ id: RunID, callID: String, stream: ToolOutput.Stream) async throws -> StoredToolOutput {
        try locked {
            guard runs[id] != nil else { throw ControlError.runNotFound(id) }
            guard let output = storedOutputs["\(id)/\(callID)/\(stream.rawValue)"] else {
                throw ControlError.invalidParams(field: "call_id", "run \(id) has no finished tool call \(callID)")
            }
            return output
        }
    }

    func resolveApproval(_ params: ApprovalResolve.Params, client: ClientIdentity) async throws
        -> ApprovalResolve.Result
    {
        try locked {
            guard runs[params.runID] != nil else { throw ControlError.runNotFound(params.runID) }
            if let approved = decided[params.runID]?[params.callID] {
                return ApprovalResolve.Result(outcome: .alreadyResolved, approved: approved)
            }
            guard let index = waiting[params.runID]?.firstIndex(where: { $0.callID == params.callID }) else {
                throw ControlError.approvalNotFound(runID: params.runID, callID: params.callID)
            }
            waiting[params.runID]?.remove(at: index)
            decided[params.runID, default: [:]][params.callID] = params.approve
            decisionLog.append(
                Decision(
                    runID: params.runID, callID: params.callID, approved: params.approve, reason: params.reason,
                    clientName: client.name, uid: client.uid))
            return ApprovalResolve.Result(outcome: .resolved, approved: params.approve)
        }
    }

    func recordCommand(_ record: CommandRecord) async {
        locked { commandLog.append(record) }
    }
}

/// A latch: `wait()` returns once `open()` was called (immediately when never closed).
final class Gate: @unchecked Sendable {
    private let lock = NSLock()
    private var closed = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func close() {
        lock.lock()
        closed = true
        lock.unlock()
    }

    func open() {
        lock.lock()
        closed = false
        let waiters = self.waiters
        self.waiters = []
        lock.unlock()
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            lock.lock()
            if closed {
                waiters.append(continuation)
                lock.unlock()
            } else {
                lock.unlock()
                continuation.resume()
            }
        }
    }
}
