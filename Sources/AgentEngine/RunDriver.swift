import AgentModel
import Logging

/// Drives one run: sends requests, records every frame, runs tools, until the run ends.
///
/// Every decision is taken from ``RunState`` (folded by ``RunReducer`` from the events this driver
/// records), and every side effect happens only after the events that justify it are committed.
actor RunDriver {
    let id: RunID
    /// The run as folded from every event this driver recorded; only ``record(_:_:rawPayload:parsed:commit:)`` changes it.
    var state: RunState
    let store: any EventStore
    let upstream: any ResponsesUpstream
    let tools: any ToolExecutor
    let configuration: EngineConfiguration
    let logger: Logger
    let toolDefinitions: [JSONValue]
    var lane: (any UpstreamLane)?
    /// Attempts at the current turn (reset when a response completes).
    var turnAttempts = 0
    /// Events recorded but not yet handed to the ledger: they commit in one transaction with the next durable
    /// event, which always precedes the next side effect (so a turn costs two commits, not four).
    var held: [LedgerEvent] = []
    /// Set by ``requestCancel(_:reason:)``; the loop ends the run as cancelled.
    var cancellation: (mode: CancelMode, reason: String)?
    /// Set when the ledger refused a write for lack of space: the run stops and waits (in memory only — the
    /// pause cannot be written to a full disk) for `run/resume`.
    var pauseReason: String?
    /// The decisions this driver recorded, by call id: who decided, for a later `approval/resolve` of the call.
    private var decisions: [String: ApprovalResolved] = [:]
    private let cancelSignal: AsyncStream<Void>
    private let cancelContinuation: AsyncStream<Void>.Continuation
    /// Wakes a loop that waits for a person (an approval decision, or a cancel after a tool).
    private let wakeSignal: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation

    init(
        state: RunState, store: any EventStore, upstream: any ResponsesUpstream, tools: any ToolExecutor,
        toolDefinitions: [JSONValue], configuration: EngineConfiguration, logger: Logger,
        lane: (any UpstreamLane)? = nil
    ) {
        self.lane = lane
        self.id = state.id
        self.state = state
        self.store = store
        self.upstream = upstream
        self.tools = tools
        self.toolDefinitions = toolDefinitions
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "run.id"] = "\(state.id)"
        self.logger = logger
        (cancelSignal, cancelContinuation) = AsyncStream.makeStream()
        (wakeSignal, wakeContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Runs until the run ends, is interrupted, is cancelled, or waits for a person.
    func drive() async {
        let signal = cancelSignal
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.driveLoop() }
            group.addTask {
                // A `cancel --now` interrupts whatever the loop awaits: a response, a tool, a backoff.
                for await _ in signal { return }
            }
            await group.next()
            group.cancelAll()
        }
        // A completed turn leaves its response cached on the lane: the run keeps it for its next turn (see
        // ``takeLane()``). After anything else the lane's state is unknown: give it back.
        if state.status != .completed {
            await lane?.release()
            lane = nil
        }
    }

    /// The lane the run keeps between turns, handed over once ``drive()`` returned (`nil` when it gave it back).
    func takeLane() -> (any UpstreamLane)? {
        defer { lane = nil }
        return lane
    }

    /// Asks the run to stop: `.now` interrupts the current step (killing a running tool), `.afterTool` stops
    /// before the next step.
    func requestCancel(_ mode: CancelMode, reason: String) {
        guard cancellation == nil || mode == .now else { return }
        cancellation = (mode, reason)
        if mode == .now { cancelContinuation.yield() }
        wakeContinuation.yield()
    }

    /// Records a person's decision on a waiting call; the first decision wins.
    func resolveApproval(_ decision: ApprovalResolved) async throws -> ApprovalOutcome {
        guard let index = state.callIndex(decision.callID), case let call = state.toolCalls[index], call.approval != nil
        else {
            return .notFound
        }
        guard call.approval == .pending else {
            // Decided in this process (its commit may still be in flight), else before a restart: in the ledger.
            if let earlier = decisions[call.callID] { return .alreadyResolved(earlier) }
            if let earlier = try await store.recordedDecision(on: call.callID, of: id) {
                return .alreadyResolved(earlier)
            }
            let unknown = ApprovalResolved(
                callID: call.callID, approved: call.approval == .approved, reason: nil, client: nil, uid: nil)
            return .alreadyResolved(unknown)
        }
        decisions[call.callID] = decision
        try await record(.control, ControlEventType.approvalResolved, decision)
        wakeContinuation.yield()
        return .resolved
    }

    /// Records injected input; it goes into the next request.
    func addInput(_ input: InputAdded) async throws {
        guard !state.inputIDs.contains(input.inputID) else { return }
        try await record(.control, ControlEventType.inputAdded, input)
    }

    private func driveLoop() async {
        do {
            try await loop()
        } catch is CancellationError {
            if let cancellation {
                await end(RunEventType.cancelled, RunEnded(reason: cancellation.reason, code: "cancelled"))
            } else {
                await end(RunEventType.interrupted, RunEnded(reason: "agentd stopped while the run was active; resume it"))
            }
        } catch let failure as LedgerFailure {
            logger.error("ledger failure, run stops", metadata: ["error": "\(failure)"])
            if failure.code == .ioError { configuration.onLedgerIOError(failure) }
            if failure.code == .diskFull {
                pauseReason = "paused: the ledger could not commit (\(failure.message)); free space, then resume the run"
            }
            if failure.code == .notWritable {
                pauseReason =
                    "paused: the ledger could not commit (\(failure.message)); make it writable, then resume the run"
            }
        } catch {
            await end(RunEventType.failed, RunEnded(reason: "\(error)", code: "internal_error"))
        }
        cancelContinuation.finish()
        wakeContinuation.finish()
    }

    private func loop() async throws {
        while true {
            try Task.checkCancellation()
            if let cancellation {
                try await record(.run, RunEventType.cancelled, RunEnded(reason: cancellation.reason, code: "cancelled"))
                return
            }
            if try await endIfContinuationDenied() { return }
            switch state.nextStep {
            case .sendRequest:
                guard state.responsesCompleted - state.turnFirstResponse < configuration.maxResponses else {
                    let reason = "the turn reached run.max_responses (\(configuration.maxResponses))"
                    try await record(.run, RunEventType.failed, RunEnded(reason: reason, code: "max_responses"))
                    return
                }
                try await performTurn()
            case .runTools(let calls):
                try await runToolsWithinLimit(calls)
            case .refuseTools(let calls):
                try await refuse(calls)
            case .complete:
                try await record(.run, RunEventType.completed, RunEnded())
                return
            case .failed(let error):
                try await handleUpstreamError(error)
            case .compact:
                try await performCompaction()
            case .resolveUncertain(let calls):
                try await resolveUncertain(calls)
            case .requestApproval(let calls):
                try await requestApproval(for: calls, reason: .policy)
            case .wait:
                guard state.status == .awaitingApproval else { return }
                // Parked until a decision (or a cancel) wakes it; nothing runs meanwhile.
                var wake = wakeSignal.makeAsyncIterator()
                guard await wake.next() != nil else { return }
            }
        }
    }

    /// Answers calls the run must not make without running them; the refusal commits with the next request.
    private func refuse(_ calls: [ToolCallRecord]) async throws {
        for call in calls {
            guard let reason = call.refusal else { continue }
            logger.warning(
                "refused a tool call the run must not make",
                metadata: ["tool.call": "\(call.callID)", "tool.name": "\(call.name)", "tool.refusal": "\(reason.rawValue)"])
            try await record(.tool, ToolEventType.refused, ToolRefused(refusing: call, reason: reason), commit: .withNext)
        }
    }

    /// Calls a crash cut short: idempotent ones are handed back to run again, the others wait for a decision.
    private func resolveUncertain(_ calls: [ToolCallRecord]) async throws {
        let rerun = calls.filter { tools.isIdempotent($0.name) }
        for call in rerun {
            let reason = "agentd stopped before the call finished; the tool is idempotent, so it runs again"
            try await record(.tool, ToolEventType.abandoned, ToolAbandoned(callID: call.callID, reason: reason))
        }
        let uncertain = calls.filter { !tools.isIdempotent($0.name) }
        if !uncertain.isEmpty { try await requestApproval(for: uncertain, reason: .uncertain) }
    }

    private func requestApproval(for calls: [ToolCallRecord], reason: ApprovalRequested.Reason) async throws {
        for call in calls {
            let request = ApprovalRequested(callID: call.callID, name: call.name, arguments: call.arguments, reason: reason)
            try await record(.control, ControlEventType.approvalRequested, request)
        }
    }

    /// Records a lifecycle event, swallowing ledger errors (the run is over either way).
    private func end(_ type: String, _ payload: RunEnded) async {
        do {
            try await record(.run, type, payload)
        } catch {
            logger.error("could not record the end of the run", metadata: ["error": "\(error)"])
        }
    }
}
