import Foundation

/// Folds ledger events into ``RunState``: one pure function for live runs and for replay after a crash.
///
/// The reducer never fails: an event it cannot read leaves the state as it was (apart from `lastSeq`), so a
/// ledger written by another version still replays.
public enum RunReducer {
    /// Replays `events` in order from an empty state.
    public static func replay(_ id: RunID, _ events: some Sequence<LedgerEvent>) -> RunState {
        var state = RunState(id: id)
        for event in events { reduce(&state, event) }
        return state
    }

    /// Applies one event to `state`.
    ///
    /// - Parameter parsed: the payload already parsed, when the caller has it (the engine parses each upstream
    ///   frame once); replay leaves it `nil` and the payload is parsed here. Either way the same code runs.
    public static func reduce(_ state: inout RunState, _ event: LedgerEvent, parsed: JSONValue? = nil) {
        state.lastSeq = event.seq
        state.updatedAtMillis = event.timestampMillis
        switch event.kind {
        case .run: applyRun(&state, event)
        case .upstreamOut:
            guard let frame = parsed ?? (try? JSONValue.parse(event.payload)) else { return }
            applyOutbound(&state, event, frame)
        case .upstreamIn:
            // Streamed deltas never change run state (text is taken from the completed response), so replay does
            // not parse them: they are most of a ledger. Live, the engine passes them parsed and nothing happens.
            if parsed == nil && event.type.hasSuffix(".delta") { return }
            let json = parsed ?? (try? JSONValue.parse(event.payload))
            // The answer of `/responses/compact` is an object, not an event: it has no `type`.
            if event.type == CompactionEventType.answer, let json { return applyCompactionAnswer(&state, json) }
            guard let frame = json.flatMap(UpstreamEvent.init(json:)) else { return }
            applyInbound(&state, frame, rawFrame: json)
        case .tool: applyTool(&state, event)
        case .control: applyControl(&state, event)
        }
        // The current turn's status is the run's: one rule, whatever event moved it. (An idle run has no current
        // turn: a fork's last turn keeps the status it ended with.)
        if !state.turns.isEmpty && state.status != .idle { state.turns[state.turns.count - 1].status = state.status }
    }

    private static func applyRun(_ state: inout RunState, _ event: LedgerEvent) {
        switch event.type {
        case RunEventType.started:
            guard let started = try? RunStarted(json: event.payload) else { return }
            state.status = .running
            state.model = started.model
            state.prompt = started.prompt
            state.instructions = started.instructions
            state.cwd = started.cwd
            state.tools = started.tools
            state.requireApproval = started.requireApproval ?? []
            state.effort = started.effort
            state.maxOutputTokens = started.maxOutputTokens
            state.toolFormat = started.toolFormat ?? .function
            state.createdAtMillis = event.timestampMillis
            if started.prompt.isEmpty {
                // No prompt: a conversation with no turn yet, waiting for `run/prompt` (or a fork's history).
                state.status = .idle
                state.pendingInput = []
                state.turns = []
            } else {
                state.pendingInput = [Items.userMessage(started.prompt)]
                state.turns = [TurnRecord(turn: 1, prompt: started.prompt, status: .running)]
            }
        case RunEventType.turnStarted:
            guard let turn = try? JSONCoding.decode(TurnStarted.self, from: event.payload) else { return }
            applyTurnStarted(&state, turn)
        case RunEventType.forked:
            guard let forked = try? JSONCoding.decode(RunForked.self, from: event.payload) else { return }
            applyForked(&state, forked)
        case RunEventType.chainReset:
            // The next request carries the whole conversation; whatever was in flight is abandoned.
            state.chainIntact = false
            state.needsResend = true
            state.awaitingResponse = false
            state.currentResponseID = nil
            state.lastError = nil
            requeueSteers(&state)
        case RunEventType.retryScheduled:
            state.retryWait = try? JSONCoding.decode(RetryScheduled.self, from: event.payload)
            state.retryWait?.sinceMillis = event.timestampMillis
        case RunEventType.resumed:
            state.status = .running
            state.endReason = nil
        case RunEventType.completed:
            state.status = .completed
        case RunEventType.failed, RunEventType.cancelled, RunEventType.interrupted:
            state.status =
                event.type == RunEventType.failed
                ? .failed : event.type == RunEventType.cancelled ? .cancelled : .interrupted
            state.endReason = (try? RunEnded(json: event.payload))?.reason
            requeueSteers(&state)
            if state.awaitingResponse {
                // The response that was streaming is abandoned: a resume asks again with the whole conversation.
                state.needsResend = true
                state.chainIntact = false
            }
            state.awaitingResponse = false
        default:
            break
        }
    }

    private static func applyOutbound(_ state: inout RunState, _ event: LedgerEvent, _ frame: JSONValue) {
        if event.type == SteerEventType.steer { return applySteerSent(&state, frame) }
        if event.type == CompactionEventType.request {
            state.compactionPending = true
            return
        }
        guard event.type == UpstreamEventType.create else { return }
        let input = Items.normalize(frame["input"])
        let continuing = frame["previous_response_id"]?.stringValue != nil
        let held = takeHeldSteers(&state, continuing: continuing)
        if !continuing {
            // A request without a parent carries the whole conversation.
            state.conversation = input
        } else {
            state.conversation += held + input
        }
        state.pendingInput = []
        state.needsResend = false
        state.continuesIncomplete = false
        state.retryWait = nil
        state.awaitingResponse = true
        state.currentResponseID = nil
        state.lastError = nil
    }

    private static func applyInbound(_ state: inout RunState, _ frame: UpstreamEvent, rawFrame: JSONValue?) {
        switch frame.type {
        case UpstreamEventType.created:
            state.currentResponseID = frame.response?.id
            // A successor the server started itself (after a steer) is awaited like a requested one.
            state.awaitingResponse = true
            applySteeredSuccessor(&state)
        case UpstreamEventType.incomplete where isSteeredIncomplete(frame.response):
            guard let response = frame.response else { return }
            applySteeredIncomplete(&state, response)
        case SteerEventType.accepted, SteerEventType.pending, SteerEventType.failed:
            guard let json = rawFrame else { return }
            applySteerAnswer(&state, frame.type, json)
        case UpstreamEventType.completed, UpstreamEventType.done:
            guard let response = frame.response else { return }
            completeResponse(&state, response)
            state.incompleteContinuations = 0
        case UpstreamEventType.incomplete where incompleteReason(frame.response) == IncompleteReason.maxOutputTokens:
            guard let response = frame.response else { return }
            applyCutResponse(&state, response)
        case UpstreamEventType.failed, UpstreamEventType.incomplete:
            requeueSteers(&state)
            state.awaitingResponse = false
            state.currentResponseID = nil
            state.lastError =
                frame.response?.error ?? incompleteError(frame.response)
                ?? UpstreamError(code: frame.type, message: "response ended with status \(frame.response?.status ?? "?")")
        case UpstreamEventType.error:
            if state.compactionPending {
                // `/responses/compact` itself failed: a transient failure is retried like a turn, but a compaction
                // the service finds too long cannot succeed by asking again.
                state.compactionPending = false
                if frame.error?.code == UpstreamError.contextLengthExceeded { state.overflowCompacted = true }
            }
            requeueSteers(&state)
            state.awaitingResponse = false
            state.currentResponseID = nil
            state.lastError = frame.error ?? UpstreamError(message: "upstream error")
        default:
            break
        }
    }

    static func completeResponse(_ state: inout RunState, _ response: UpstreamResponse) {
        let output = response.output ?? []
        state.awaitingResponse = false
        state.currentResponseID = nil
        state.lastResponseID = response.id
        state.chainIntact = true
        state.responsesCompleted += 1
        state.conversation += output
        state.outputText += Items.messageText(output)
        state.overflowCompacted = false
        let callsBefore = state.toolCalls.count
        if ConversationCompaction.containsCompaction(output) {
            // Everything before the compaction item is in it: a rebuild starts from it, never the whole history.
            state.conversation = ConversationCompaction.pruned(state.conversation)
            state.compactions += output.filter { $0["type"]?.stringValue == ConversationCompaction.itemType }.count
        }
        var unhandled: [String] = []
        for item in output {
            let type = item["type"]?.stringValue ?? "(no type)"
            if let call = toolCall(in: item, type: type) {
                state.admit(call)
            } else if !Items.passiveOutputTypes.contains(type) {
                unhandled.append(type)
            }
        }
        if let type = unhandled.first {
            // Ending as "completed" would hide a call the model is waiting on: the turn fails, naming the item.
            state.lastError = UpstreamError(
                type: "agentd_error", code: "unsupported_output_item",
                message: "the response has an output item of type '\(type)', which agentd cannot handle")
        }
        let usedInput = response.usage?["input_tokens"]?.intValue ?? 0
        let usedOutput = response.usage?["output_tokens"]?.intValue ?? 0
        state.inputTokens += usedInput
        state.outputTokens += usedOutput
        if !state.turns.isEmpty {
            let last = state.turns.count - 1
            state.turns[last].toolCalls += state.toolCalls.count - callsBefore
            state.turns[last].inputTokens += usedInput
            state.turns[last].outputTokens += usedOutput
        }
    }

    /// The call a `function_call`, `shell_call`, `apply_patch_call` or `custom_tool_call` item asks for; `nil` for
    /// other items.
    private static func toolCall(in item: JSONValue, type: String) -> ToolCallRecord? {
        guard let kind = ToolCallKind(rawValue: type), let callID = item["call_id"]?.stringValue else { return nil }
        var call: ToolCallRecord
        if let tool = kind.toolName {
            let input = item[kind.inputMember].flatMap { try? JSONCoding.encode($0) } ?? "{}"
            call = ToolCallRecord(callID: callID, name: tool, arguments: input, status: .requested)
        } else {
            call = ToolCallRecord(
                callID: callID, name: item["name"]?.stringValue ?? "",
                arguments: item[kind.inputMember]?.stringValue ?? "", status: .requested)
        }
        call.kind = kind
        call.caller = item["caller"].flatMap { $0 == .null ? nil : $0 }
        return call
    }

    private static func applyControl(_ state: inout RunState, _ event: LedgerEvent) {
        switch event.type {
        case ControlEventType.approvalRequested:
            guard let request = try? ApprovalRequested(json: event.payload),
                let index = state.callIndex(request.callID)
            else { return }
            state.toolCalls[index].approval = .pending
            state.toolCalls[index].approvalReason = request.reason
            state.status = .awaitingApproval
        case ControlEventType.approvalResolved:
            guard let decision = try? ApprovalResolved(json: event.payload),
                let index = state.callIndex(decision.callID),
                state.toolCalls[index].approval == .pending
            else { return }
            let uncertain = state.toolCalls[index].status == .running
            if decision.approved {
                state.toolCalls[index].approval = .approved
                state.toolCalls[index].status = .requested
            } else {
                state.toolCalls[index].approval = .denied
                state.toolCalls[index].status = .finished
                let output = Items.denialOutput(uncertain: uncertain, reason: decision.reason)
                state.pendingInput.append(Items.toolOutput(for: state.toolCalls[index], output: output, exitCode: nil))
            }
            if state.pendingApprovals.isEmpty && state.status == .awaitingApproval { state.status = .running }
        case ControlEventType.inputAdded:
            guard let input = try? InputAdded(json: event.payload),
                !state.inputIDs.contains(input.inputID)
            else { return }
            state.inputIDs.insert(input.inputID)
            state.pendingInput.append(Items.userMessage(input.text))
        case ControlEventType.inputRequeued:
            applySteerRequeued(&state)
        default:
            break
        }
    }

    private static func applyTool(_ state: inout RunState, _ event: LedgerEvent) {
        switch event.type {
        case ToolEventType.started:
            guard let started = try? ToolStarted(json: event.payload),
                let index = state.callIndex(started.callID)
            else { return }
            state.toolCalls[index].status = .running
        case ToolEventType.abandoned:
            guard let abandoned = try? ToolAbandoned(json: event.payload),
                let index = state.callIndex(abandoned.callID),
                state.toolCalls[index].status == .running
            else { return }
            state.toolCalls[index].status = .requested
        case ToolEventType.refused:
            guard let refused = try? ToolRefused(json: event.payload),
                let index = state.toolCalls.firstIndex(where: {
                    $0.callID == refused.callID && $0.refusal == refused.reason && $0.status != .finished
                })
            else { return }
            state.toolCalls[index].status = .finished
            if let output = refused.output {
                state.pendingInput.append(Items.toolOutput(for: state.toolCalls[index], output: output, exitCode: nil))
            }
        case ToolEventType.finished:
            guard let finished = try? ToolFinished(json: event.payload),
                let index = state.callIndex(finished.callID)
            else { return }
            state.toolCalls[index].status = .finished
            state.toolCalls[index].exitCode = finished.exitCode
            state.toolCalls[index].durationMillis = finished.durationMillis
            state.toolCalls[index].error = finished.launchError
            state.toolCalls[index].signal = finished.signal
            state.toolCalls[index].cancelled = finished.cancelled
            state.pendingInput.append(
                Items.toolOutput(for: state.toolCalls[index], output: finished.output, exitCode: finished.exitCode))
        default:
            break
        }
    }
}
