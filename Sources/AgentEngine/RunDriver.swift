import AgentModel
import Foundation
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
    private var turnAttempts = 0
    /// Events recorded but not yet handed to the ledger: they commit in one transaction with the next durable
    /// event, which always precedes the next side effect (so a turn costs two commits, not four).
    private var held: [LedgerEvent] = []
    /// Set by ``requestCancel(_:reason:)``; the loop ends the run as cancelled.
    private var cancellation: (mode: CancelMode, reason: String)?
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
            case .applyRules(let calls):
                try await applyRules(to: calls)
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

    /// Records the decision an always-rule makes on each call; a person deciding meanwhile finds it decided.
    private func applyRules(to calls: [ToolCallRecord]) async throws {
        for call in calls {
            // Re-checked after every await: a person may have decided the call meanwhile (first decision wins).
            guard state.callsDecidedByRule.contains(where: { $0.callID == call.callID }),
                let rule = state.approvalRules[call.name]
            else { continue }
            let decision = rule.decision(on: call)
            decisions[call.callID] = decision
            try await record(.control, ControlEventType.approvalResolved, decision)
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

// MARK: - Compaction

extension RunDriver {
    /// Compacts the conversation after a `context_length_exceeded`: records the `/responses/compact` request,
    /// sends it, and records the answer; the reducer then starts a new chain from the compacted output.
    func performCompaction() async throws {
        let body = RequestBuilder.compactBody(
            state: state, settings: RequestSettings(configuration: configuration, state: state))
        let text = body.serialized
        // Append, then act, like any request.
        try await record(.upstreamOut, CompactionEventType.request, rawPayload: text, parsed: body, commit: .durable)
        let answer: String
        do {
            answer = try await upstream.compact(text)
        } catch let failure as UpstreamFailure {
            if failure.code == .shutdown { throw CancellationError() }
            try await recordCompactionFailure("/responses/compact failed: \(failure.message)")
            return
        }
        let parsed = try? JSONValue.parse(answer)
        if parsed?["object"]?.stringValue == CompactionEventType.answer {
            try await record(
                .upstreamIn, CompactionEventType.answer, rawPayload: answer, parsed: parsed, commit: .withNext)
            logger.info("conversation compacted", metadata: ["run.compactions": "\(state.compactions)"])
        } else if parsed?["type"]?.stringValue == UpstreamEventType.error {
            try await record(.upstreamIn, UpstreamEventType.error, rawPayload: answer, parsed: parsed, commit: .withNext)
        } else {
            try await recordCompactionFailure("/responses/compact answered neither a compaction nor an error: \(answer.prefix(200))")
        }
    }

    /// Records a failed compaction as a code-less `server_error` frame: retryable, so the policy waits and the
    /// request (and its compaction) is tried again within `max_turn_attempts`.
    private func recordCompactionFailure(_ message: String) async throws {
        let frame = JSONValue.object([
            "type": .string(UpstreamEventType.error),
            "error": ["type": "server_error", "code": .null, "message": .string(message)],
        ])
        try await record(
            .upstreamIn, UpstreamEventType.error, rawPayload: frame.serialized, parsed: frame, commit: .withNext)
    }
}

// MARK: - Prewarm

/// What the ledger keeps of a warm-up (`run.prewarmed`): the reducer ignores it, people and benchmarks read it.
struct Prewarmed: Codable, Sendable {
    /// The warm-up response the first real request continues from, or `nil` when the warm-up did not complete.
    var responseID: String?
    /// Frames the warm-up received.
    var frames: Int

    enum CodingKeys: String, CodingKey {
        case responseID = "response_id"
        case frames
    }
}

extension RunDriver {
    /// Ledger type of the warm-up record.
    static let prewarmedEventType = "run.prewarmed"

    /// With `prewarm` on, before a new run's first request: sends `response.create` with `generate: false`
    /// carrying the run's model, tools and instructions (no input) on `lane`, and returns the warm-up response's
    /// id for the first real request to continue from.
    ///
    /// A warm-up produces no output (the server only prepares request state), so the reducer never sees it: it is
    /// recorded as one `run.prewarmed` event. Not tried again after a failed first turn (that turn resends the
    /// whole conversation without a parent). Returns `nil` when off, not a new run, or the warm-up did not complete.
    /// - Throws: ``UpstreamFailure`` when the connection fails (the turn's usual recovery applies).
    func prewarmIfNeeded(on lane: any UpstreamLane) async throws -> String? {
        guard configuration.prewarm, turnAttempts == 0, state.responsesCompleted == 0, state.lastResponseID == nil,
            state.lastError == nil, !state.awaitingResponse
        else { return nil }
        var frame: [String: JSONValue] = [
            "type": .string(UpstreamEventType.create),
            "model": .string(state.model),
            "store": false,
            "generate": false,
            "input": .array([]),
        ]
        if let instructions = state.instructions { frame["instructions"] = .string(instructions) }
        if !toolDefinitions.isEmpty { frame["tools"] = .array(toolDefinitions) }
        if let streamID = lane.streamID { frame["stream_id"] = .string(streamID) }
        var responseID: String?
        var completed = false
        var frames = 0
        for try await text in try await lane.send(JSONValue.object(frame).serialized) {
            frames += 1
            let parsed = try? JSONValue.parse(text)
            if let id = parsed?["response"]?["id"]?.stringValue { responseID = id }
            let type = parsed?["type"]?.stringValue ?? ""
            if type == UpstreamEventType.completed || type == UpstreamEventType.done { completed = true }
        }
        let usable = completed ? responseID : nil
        try await record(.run, Self.prewarmedEventType, Prewarmed(responseID: usable, frames: frames), commit: .withNext)
        return usable
    }
}

extension JSONValue {
    /// This `response.create` frame continuing from `parent` (same input: a warm-up carries none).
    func continuing(from parent: String) -> JSONValue {
        guard case .object(var fields) = self else { return self }
        fields["previous_response_id"] = .string(parent)
        return .object(fields)
    }
}

// MARK: - Recording

extension RunDriver {
    /// How an event reaches the ledger.
    enum Commit {
        /// Commit now and wait: the next step acts on it.
        case durable
        /// Queue now for the next group commit (streamed deltas: clients see them as soon as they commit).
        case streamed
        /// Keep until the next durable event and commit both in one transaction (terminal frames, tool results).
        case withNext
    }

    /// Appends one event: folds it into the state, then commits it as `commit` says.
    ///
    /// `blobs` (content the payload references by hash) are committed in the same transaction as the event.
    func record<Payload: Encodable>(
        _ kind: EventKind, _ type: String, _ payload: Payload, blobs: [LedgerBlob] = [], commit: Commit = .durable
    ) async throws {
        try await record(kind, type, rawPayload: JSONCoding.encode(payload), blobs: blobs, commit: commit)
    }

    /// Appends one event whose payload is already JSON text (upstream frames, byte for byte).
    ///
    /// The event is queued before this returns or suspends (``EventStore/append(_:)`` is nonsending), so
    /// events reach the ledger in seq order even when calls on this actor interleave.
    func record(
        _ kind: EventKind, _ type: String, rawPayload: String, parsed: JSONValue? = nil, blobs: [LedgerBlob] = [],
        commit: Commit
    ) async throws {
        var event = LedgerEvent(
            runID: id, seq: state.lastSeq + 1, timestampMillis: LedgerEvent.nowMillis(), kind: kind, type: type,
            payload: rawPayload)
        event.blobs = blobs
        RunReducer.reduce(&state, event, parsed: parsed)
        switch commit {
        case .durable:
            let batch = held + [event]
            held = []
            let start = ContinuousClock.now
            try await store.append(batch)
            configuration.metrics.committed(in: ContinuousClock.now - start)
        case .streamed:
            let batch = held + [event]
            held = []
            store.enqueue(batch)
        case .withNext:
            held.append(event)
        }
    }
}

// MARK: - Steering

extension RunDriver {
    /// Hands freshly queued input to the response that is streaming, as `response.steer`, when the upstream can
    /// steer; otherwise (tools running, nothing streaming, HTTP+SSE, `steering_not_supported`) it stays queued for
    /// the next `response.create`.
    ///
    /// Append, then act: the steer frame is committed before it is written; if the lane refuses it (the response
    /// ended meanwhile), `input.requeued` puts the input back in the queue. Every server answer is an upstream
    /// frame of the response's stream, recorded by the turn loop, so replay reaches the same state.
    func steerIfStreaming(_ input: InputAdded) async throws {
        let item = Items.userMessage(input.text)
        guard !state.steeringUnsupported, let lane, lane.isUsable, state.awaitingResponse,
            let responseID = state.currentResponseID, state.pendingInput.contains(item)
        else { return }
        let frame: JSONValue = [
            "type": .string(SteerEventType.steer),
            "previous_response_id": .string(responseID),
            "input": [item],
        ]
        try await record(.upstreamOut, SteerEventType.steer, rawPayload: frame.serialized, parsed: frame, commit: .durable)
        // Re-check after the await: the response may have ended while the steer was committed.
        let submission: SteerSubmission
        if state.currentResponseID == responseID, let current = self.lane, current.isUsable {
            submission = await current.steer(frame.serialized)
        } else {
            submission = .notStreaming
        }
        guard submission != .sent else { return }
        logger.debug("steer not sent; input queued for the next request", metadata: ["steer.outcome": "\(submission)"])
        try await record(.control, ControlEventType.inputRequeued, SteerRequeued(reason: "\(submission)"))
    }
}

/// Payload of `input.requeued`.
struct SteerRequeued: Codable, Sendable {
    var reason: String
}

// MARK: - ToolCallLimit

extension RunDriver {
    /// Runs `calls` in order, unless the run reached `run.max_tool_calls`: then the next call waits for a person
    /// (`approval.requested` with reason `tool_call_limit`) and the run pauses in `awaiting_approval`.
    ///
    /// Approving that call lets the run make `max_tool_calls` more; denying it ends the run as cancelled (see
    /// ``endIfContinuationDenied()``). Calls already approved for the limit run without asking again.
    func runToolsWithinLimit(_ calls: [ToolCallRecord]) async throws {
        for call in calls {
            if needsContinuationApproval(before: call) {
                let request = ApprovalRequested(
                    callID: call.callID, name: call.name, arguments: call.arguments, reason: .toolCallLimit)
                try await record(.control, ControlEventType.approvalRequested, request)
                logger.info(
                    "run reached run.max_tool_calls; waiting for approval to continue",
                    metadata: ["tool.call": "\(call.callID)"])
                return
            }
            try await runTool(call)
        }
    }

    /// Whether `call` would exceed the calls this run may make without asking.
    func needsContinuationApproval(before call: ToolCallRecord) -> Bool {
        guard let limit = configuration.maxToolCalls, limit > 0 else { return false }
        if call.approvalReason == .toolCallLimit && call.approval == .approved { return false }
        return Self.callsMade(state) >= limit * (Self.continuationsGranted(state) + 1)
    }

    /// Ends the run when a person denied going on past the limit; returns whether it did.
    func endIfContinuationDenied() async throws -> Bool {
        guard !state.status.isTerminal,
            let denied = state.toolCalls[state.turnFirstCall...].last(where: { $0.approvalReason == .toolCallLimit && $0.approval == .denied })
        else { return false }
        let made = Self.callsMade(state)
        let reason = "the run reached run.max_tool_calls after \(made) tool calls and going on was denied (call \(denied.callID))"
        try await record(.run, RunEventType.cancelled, RunEnded(reason: reason, code: "max_tool_calls"))
        return true
    }

    /// Calls that started (running or finished), not counting denied or refused ones (which never ran).
    static func callsMade(_ state: RunState) -> Int {
        state.toolCalls[state.turnFirstCall...].filter {
            $0.status != .requested && $0.approval != .denied && $0.refusal == nil
        }.count
    }

    /// How many times a person let the run go on past the limit.
    static func continuationsGranted(_ state: RunState) -> Int {
        state.toolCalls[state.turnFirstCall...].filter {
            $0.approvalReason == .toolCallLimit && $0.approval == .approved
        }.count
    }
}

// MARK: - Turn

extension RunDriver {
    /// Sends the next `response.create` and records every frame of the response.
    func performTurn() async throws {
        do {
            let clock = ContinuousClock()
            let turnStart = clock.now
            let lane = try await usableLane()
            // Time spent waiting on the upstream (a lane, then each frame) is not agentd's overhead.
            var upstreamWait = clock.now - turnStart
            configuration.metrics.leaseWaited(upstreamWait)
            var request = RequestBuilder.createFrame(
                state: state, tools: toolDefinitions, streamID: lane.streamID,
                includeEncryptedReasoning: configuration.includeEncryptedReasoning,
                settings: RequestSettings(configuration: configuration, state: state))
            if let warmUp = try await prewarmIfNeeded(on: lane) { request = request.continuing(from: warmUp) }
            let frame = request.serialized
            // Append, then act: the request is durable before it leaves.
            try await record(.upstreamOut, UpstreamEventType.create, rawPayload: frame, parsed: request, commit: .durable)
            var received = 0
            let sendStart = clock.now
            var frames = try await lane.send(frame).makeAsyncIterator()
            let sentAt = clock.now
            // `send` waits for one of the connection's active slots when it has its maximum of responses in flight.
            upstreamWait += sentAt - sendStart
            var budget = ResponseBudget(limits: configuration.responseLimits)
            while true {
                let waitStart = clock.now
                guard let text = try await frames.next() else { break }
                let arrived = clock.now
                upstreamWait += arrived - waitStart
                // A cancel stops recording at once; dropping `frames` tells the upstream the response is abandoned.
                if cancellation != nil { return }
                if let exceeded = budget.admit(frameBytes: text.utf8.count, elapsed: arrived - sentAt) {
                    logger.warning(
                        "upstream response over its limit; the run fails",
                        metadata: ["upstream.limit": "\(exceeded.code)", "upstream.frames": "\(received)"])
                    try await record(.run, RunEventType.failed, RunEnded(reason: exceeded.reason, code: exceeded.code))
                    return
                }
                if received == 0 { configuration.metrics.firstEventArrived(after: arrived - sentAt) }
                received += 1
                // Parsed once, here; the reducer reads the same value.
                let parsed = try? JSONValue.parse(text)
                let type = parsed?["type"]?.stringValue ?? "unparsable"
                // The terminal frame commits with whatever the engine does next (a tool intent, the next request,
                // the end of the run): one transaction instead of two on the critical path.
                let commit: Commit = UpstreamEventType.terminal.contains(type) ? .withNext : .streamed
                try await record(.upstreamIn, type, rawPayload: text, parsed: parsed, commit: commit)
            }
            try Task.checkCancellation()
            if state.awaitingResponse {
                throw UpstreamFailure(
                    code: .connectionLost, message: "the response stream ended before its terminal event",
                    framesReceived: received)
            }
            if state.lastError == nil { turnAttempts = 0 }
            configuration.metrics.turnFinished(overhead: clock.now - turnStart - upstreamWait)
        } catch let failure as UpstreamFailure {
            try await recover(from: failure)
        }
    }

    /// A lane whose connection still holds this run's chain, or a new one (which restarts the chain).
    private func usableLane() async throws -> any UpstreamLane {
        // `reserve` also keeps the pool from giving the lane to another run before this turn's request is sent.
        if let lane, await lane.reserve() { return lane }
        if let stale = lane {
            lane = nil
            await stale.release()
        }
        let fresh = try await leaseSayingWhyItWaits()
        lane = fresh
        if state.chainIntact {
            // The server's continuation cache lives in the old connection's memory.
            try await record(
                .run, RunEventType.chainReset, ChainReset(reason: "new upstream connection"), commit: .withNext)
        }
        return fresh
    }

    /// Leases a lane; while the lease waits because the upstream has no connection, records once what the run waits
    /// for (`run.retry_scheduled`, code `no_connection`: the last connect error, the next attempt), so clients say so
    /// instead of going silent until the connect timeout.
    private func leaseSayingWhyItWaits() async throws -> any UpstreamLane {
        let upstream = self.upstream
        let id = self.id
        let notice = configuration.upstreamWaitNotice
        return try await withThrowingTaskGroup(of: (any UpstreamLane)?.self) { group in
            group.addTask { try await upstream.lease(for: id) }
            group.addTask {
                try await Task.sleep(for: notice)
                return nil
            }
            while let leased = try await group.next() {
                if let leased {
                    group.cancelAll()
                    return leased
                }
                guard let trouble = await upstream.connectionTrouble() else {
                    group.addTask {
                        try await Task.sleep(for: notice)
                        return nil
                    }
                    continue
                }
                let wait = RetryScheduled(
                    code: "no_connection", message: trouble.message, delayMillis: trouble.nextAttemptMillis,
                    attempt: turnAttempts + 1, serverAsked: false)
                try await record(.run, RunEventType.retryScheduled, wait)
            }
            // The lease task either returns a lane or throws; the group cannot run dry without one.
            throw CancellationError()
        }
    }

    /// After a dropped connection: never replay the request as is; rebuild it from the ledger.
    private func recover(from failure: UpstreamFailure) async throws {
        if failure.code == .shutdown { throw CancellationError() }
        turnAttempts += 1
        configuration.metrics.turnRetried()
        logger.warning(
            "upstream turn failed", metadata: ["error": "\(failure)", "attempt": "\(turnAttempts)"])
        if let stale = lane {
            lane = nil
            await stale.release()
        }
        guard turnAttempts < configuration.maxTurnAttempts else {
            try await record(.run, RunEventType.failed, RunEnded(reason: failure.message, code: failure.code.rawValue))
            return
        }
        let delay = UpstreamRetryPolicy.backoffMillis(attempt: turnAttempts)
        // Recorded before the wait, as for an upstream error: clients say the run waits for the upstream, why, and
        // when it tries again, instead of going silent while the upstream is unreachable.
        let wait = RetryScheduled(
            code: failure.code.rawValue, message: failure.message, delayMillis: delay, attempt: turnAttempts,
            serverAsked: false)
        try await record(.run, RunEventType.retryScheduled, wait)
        try await Task.sleep(for: .milliseconds(delay))
        try await record(.run, RunEventType.chainReset, ChainReset(reason: failure.description), commit: .withNext)
    }

    /// Reacts to an `error` frame or a failed response, as ``UpstreamRetryPolicy`` decides.
    func handleUpstreamError(_ error: UpstreamError) async throws {
        turnAttempts += 1
        let reason = error.message ?? error.code ?? "upstream error"
        let decision = UpstreamRetryPolicy.decide(
            error, attempt: turnAttempts, maxAttempts: configuration.maxTurnAttempts, jitter: Double.random(in: 0..<1))
        switch decision {
        case .restartChain:
            try await record(.run, RunEventType.chainReset, ChainReset(reason: reason), commit: .withNext)
        case .retryAfter(let milliseconds):
            // Recorded before the wait, so `agentctl status`/`show` can say what the run waits for and until when.
            let wait = RetryScheduled(
                code: error.code, message: reason, delayMillis: milliseconds, attempt: turnAttempts,
                serverAsked: error.retryAfterMillis != nil)
            try await record(.run, RunEventType.retryScheduled, wait)
            try await Task.sleep(for: .milliseconds(milliseconds))
            try await record(.run, RunEventType.chainReset, ChainReset(reason: reason), commit: .withNext)
        case .fail:
            try await record(.run, RunEventType.failed, RunEnded(reason: reason, code: error.code))
        }
    }

    /// Runs one tool call between its two journal entries.
    func runTool(_ call: ToolCallRecord) async throws {
        if cancellation != nil { return }
        let started = ToolStarted(
            callID: call.callID, name: call.name, arguments: call.arguments, cwd: state.cwd,
            kind: call.kind == .function ? nil : call.kind)
        try await record(.tool, ToolEventType.started, started)
        let toolStart = ContinuousClock.now
        let outcome = await tools.execute(
            ToolInvocation(
                callID: call.callID, name: call.name, arguments: call.arguments, cwd: state.cwd, kind: call.kind))
        configuration.metrics.toolCall(call.name, ContinuousClock.now - toolStart)
        if Task.isCancelled && cancellation == nil {
            // The daemon is stopping, not the user. Killed before it finished is not the same as never started: a
            // call that may have had its effect stays `running` in the ledger, exactly as after a crash, so the
            // resumed run asks a person (reason `uncertain`). Only an idempotent call is handed back to run again.
            if tools.isIdempotent(call.name) {
                let reason = "agentd stopped and killed the call before it finished; the tool is idempotent, so it runs again"
                try await record(
                    .tool, ToolEventType.abandoned, ToolAbandoned(callID: call.callID, reason: reason), commit: .withNext)
            }
            throw CancellationError()
        }
        var finished = ToolFinished(
            callID: call.callID, exitCode: outcome.exitCode, durationMillis: outcome.durationMillis,
            output: outcome.output, timedOut: outcome.timedOut, truncatedBytes: outcome.truncatedBytes)
        // A `cancel --now` ends the call by cancelling this task: killed by us, which `show` says.
        if Task.isCancelled && cancellation != nil { finished.cancelled = true }
        let fullOutput = finished.attachFullOutput(of: outcome)
        // Committed together with the next request (which is appended durably before it is sent).
        try await record(.tool, ToolEventType.finished, finished, blobs: fullOutput, commit: .withNext)
    }

}
