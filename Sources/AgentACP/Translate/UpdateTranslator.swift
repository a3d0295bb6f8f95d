import AgentModel

/// Turns a run's ledger events, in seq order, into what an ACP editor sees: `session/update`s, permission
/// requests, turn boundaries. Pure: the same events give the same outputs, live or replayed.
public struct UpdateTranslator: Sendable {
    /// What the translator remembers of a tool call between its events.
    struct Call: Sendable {
        var name: String
        var presentation: ToolPresentation
        var finished = false
    }

    /// The context window reported in `usage_update` (`size`).
    public var contextWindow: Int
    /// The turn in progress or last ended (0 before the first).
    public private(set) var turn = 0
    private var cwd = ""
    private var calls: [String: Call] = [:]
    private var callOrder: [String] = []
    private var usage = TurnUsage(inputTokens: 0, outputTokens: 0)
    private var stopReason = StopReason.endTurn

    public init(contextWindow: Int) {
        self.contextWindow = contextWindow
    }

    /// The outputs of one event (often none).
    public mutating func apply(_ event: LedgerEvent) -> [TranslatorOutput] {
        switch event.kind {
        case .run: return applyRun(event)
        case .upstreamIn: return applyUpstream(event)
        case .tool: return applyTool(event)
        case .control: return applyControl(event)
        case .upstreamOut: return []
        }
    }

    // MARK: Turns

    private mutating func applyRun(_ event: LedgerEvent) -> [TranslatorOutput] {
        switch event.type {
        case RunEventType.started:
            guard let started = try? RunStarted(json: event.payload) else { return [] }
            cwd = started.cwd
            // A run started without a prompt has no turn yet; its first prompt opens one with `turn.started`.
            guard !started.prompt.isEmpty else { return [] }
            return startTurn(1, prompt: started.prompt)
        case Self.turnStartedType:
            let payload = try? JSONValue.parse(event.payload)
            let number = payload?["turn"]?.intValue ?? turn + 1
            return startTurn(number, prompt: payload?["prompt"]?.stringValue ?? "")
        case RunEventType.completed:
            return [.turnEnded(turn: turn, .stopped(stopReason, usage))]
        case RunEventType.cancelled:
            return closeOpenCalls(because: "cancelled") + [.turnEnded(turn: turn, .stopped(.cancelled, usage))]
        case RunEventType.failed, RunEventType.interrupted:
            let reason = (try? RunEnded(json: event.payload))?.reason
            let what = event.type == RunEventType.failed ? "the turn failed" : "agentd stopped during the turn"
            let message = what + (reason.map { ": \($0)" } ?? "")
            return closeOpenCalls(because: message)
                + [.turnEnded(turn: turn, .failed(message + "; session/load the session, then prompt again"))]
        default:
            return []
        }
    }

    /// `turn.started` (conversations): opens turn 2 and later.
    static let turnStartedType = "turn.started"

    private mutating func startTurn(_ number: Int, prompt: String) -> [TranslatorOutput] {
        turn = number
        usage = TurnUsage(inputTokens: 0, outputTokens: 0)
        stopReason = .endTurn
        var outputs: [TranslatorOutput] = [.turnStarted(turn: number, prompt: prompt)]
        if !prompt.isEmpty { outputs.append(.update(.userMessageChunk(.text(prompt)))) }
        return outputs
    }

    /// Calls announced and not finished end as failed when their turn ends without them.
    private mutating func closeOpenCalls(because reason: String) -> [TranslatorOutput] {
        var outputs: [TranslatorOutput] = []
        for id in callOrder where calls[id]?.finished == false {
            calls[id]?.finished = true
            outputs.append(
                .update(.toolCallUpdate(ToolCallFields(toolCallId: id, status: .failed, content: [.content(.text(reason))]))))
        }
        return outputs
    }

    // MARK: Upstream frames

    private mutating func applyUpstream(_ event: LedgerEvent) -> [TranslatorOutput] {
        switch event.type {
        case UpstreamEventType.outputTextDelta, Self.reasoningSummaryDelta:
            guard let delta = (try? JSONValue.parse(event.payload))?["delta"]?.stringValue, !delta.isEmpty else { return [] }
            return event.type == Self.reasoningSummaryDelta
                ? [.update(.agentThoughtChunk(.text(delta)))] : [.update(.agentMessageChunk(.text(delta)))]
        case UpstreamEventType.outputItemDone:
            guard let item = (try? JSONValue.parse(event.payload))?["item"] else { return [] }
            return announce(item)
        case UpstreamEventType.completed, UpstreamEventType.done:
            guard let frame = (try? JSONValue.parse(event.payload)).flatMap(UpstreamEvent.init(json:)),
                let response = frame.response
            else { return [] }
            var outputs: [TranslatorOutput] = []
            for item in response.output ?? [] {
                outputs += announce(item)
                if Self.isRefusal(item) { stopReason = .refusal }
            }
            if let responseUsage = response.usage {
                let input = responseUsage["input_tokens"]?.intValue ?? 0
                let output = responseUsage["output_tokens"]?.intValue ?? 0
                usage = TurnUsage(inputTokens: usage.inputTokens + input, outputTokens: usage.outputTokens + output)
                outputs.append(.update(.usageUpdate(used: input + output, size: contextWindow)))
            }
            return outputs
        case UpstreamEventType.incomplete:
            let frame = (try? JSONValue.parse(event.payload)).flatMap(UpstreamEvent.init(json:))
            if frame?.response?.incompleteDetails?["reason"]?.stringValue == "max_output_tokens" { stopReason = .maxTokens }
            return []
        default:
            return []
        }
    }

    static let reasoningSummaryDelta = "response.reasoning_summary_text.delta"

    private static func isRefusal(_ item: JSONValue) -> Bool {
        guard item["type"]?.stringValue == "message", let parts = item["content"]?.arrayValue else { return false }
        return parts.contains { $0["type"]?.stringValue == "refusal" }
    }

    /// A `tool_call` for a call item (`function_call`, or a native `shell_call` / `apply_patch_call`) the first
    /// time it is seen; named and described as the reducer records it.
    private mutating func announce(_ item: JSONValue) -> [TranslatorOutput] {
        guard let kind = item["type"]?.stringValue.flatMap(ToolCallKind.init(rawValue:)),
            let id = item["call_id"]?.stringValue, calls[id] == nil
        else { return [] }
        if let tool = kind.toolName {
            let input = item[kind.inputMember].flatMap { try? JSONCoding.encode($0) } ?? "{}"
            return announce(id: id, name: tool, arguments: input)
        }
        return announce(
            id: id, name: item["name"]?.stringValue ?? "", arguments: item[kind.inputMember]?.stringValue ?? "")
    }

    private mutating func announce(id: String, name: String, arguments: String) -> [TranslatorOutput] {
        let presentation = ToolPresentation(name: name, arguments: arguments, cwd: cwd)
        calls[id] = Call(name: name, presentation: presentation)
        callOrder.append(id)
        let fields = ToolCallFields(
            toolCallId: id, title: presentation.title, kind: presentation.kind, status: .pending,
            content: presentation.diffs.isEmpty ? nil : presentation.diffs,
            locations: presentation.locations.isEmpty ? nil : presentation.locations, rawInput: presentation.rawInput)
        return [.update(.toolCall(fields))]
    }

    // MARK: Tool journal

    private mutating func applyTool(_ event: LedgerEvent) -> [TranslatorOutput] {
        switch event.type {
        case ToolEventType.started:
            guard let started = try? ToolStarted(json: event.payload) else { return [] }
            var outputs: [TranslatorOutput] = []
            if calls[started.callID] == nil {
                outputs += announce(id: started.callID, name: started.name, arguments: started.arguments)
            }
            calls[started.callID]?.finished = false
            return outputs + [.update(.toolCallUpdate(ToolCallFields(toolCallId: started.callID, status: .inProgress)))]
        case ToolEventType.abandoned:
            guard let abandoned = try? ToolAbandoned(json: event.payload) else { return [] }
            return [.update(.toolCallUpdate(ToolCallFields(toolCallId: abandoned.callID, status: .pending)))]
        case ToolEventType.finished:
            guard let finished = try? ToolFinished(json: event.payload) else { return [] }
            calls[finished.callID]?.finished = true
            return [.update(.toolCallUpdate(Self.finishedFields(finished, call: calls[finished.callID])))]
        default:
            return []
        }
    }

    static func finishedFields(_ finished: ToolFinished, call: Call?) -> ToolCallFields {
        let parsed = try? JSONValue.parse(finished.output)
        var text = finished.output
        if case .object = parsed, let stdout = parsed?["stdout"]?.stringValue {
            // Shell output: what a terminal would have shown.
            text = stdout + (parsed?["stderr"]?.stringValue ?? "")
        }
        let succeeded = finished.exitCode == 0 && !finished.timedOut
        var content: [ToolCallContent] = [.content(.text(text))]
        if succeeded, let diffs = call?.presentation.diffs { content += diffs }
        return ToolCallFields(
            toolCallId: finished.callID, status: succeeded ? .completed : .failed, content: content,
            rawOutput: parsed ?? .string(finished.output))
    }

    // MARK: Decisions and input

    private mutating func applyControl(_ event: LedgerEvent) -> [TranslatorOutput] {
        switch event.type {
        case ControlEventType.approvalRequested:
            guard let request = try? ApprovalRequested(json: event.payload) else { return [] }
            var outputs: [TranslatorOutput] = []
            if calls[request.callID] == nil {
                outputs += announce(id: request.callID, name: request.name, arguments: request.arguments)
            }
            let presentation = calls[request.callID]?.presentation
                ?? ToolPresentation(name: request.name, arguments: request.arguments, cwd: cwd)
            var title = presentation.title
            switch request.reason {
            case .policy: break
            case .uncertain: title += " (it may have run already: agentd stopped while it ran)"
            case .toolCallLimit: title += " (the run reached its tool-call limit: allow to go on)"
            }
            let fields = ToolCallFields(
                toolCallId: request.callID, title: title, kind: presentation.kind, status: .pending,
                content: presentation.diffs.isEmpty ? nil : presentation.diffs,
                locations: presentation.locations.isEmpty ? nil : presentation.locations,
                rawInput: presentation.rawInput)
            outputs.append(.permissionNeeded(PermissionNeed(callID: request.callID, tool: request.name, toolCall: fields)))
            return outputs
        case ControlEventType.approvalResolved:
            guard let decision = try? ApprovalResolved(json: event.payload) else { return [] }
            var outputs: [TranslatorOutput] = [.approvalSettled(callID: decision.callID, approved: decision.approved)]
            if !decision.approved {
                calls[decision.callID]?.finished = true
                let who = decision.client.map { " by \($0)" } ?? ""
                let why = decision.reason.map { ": \($0)" } ?? ""
                outputs.append(
                    .update(
                        .toolCallUpdate(
                            ToolCallFields(
                                toolCallId: decision.callID, status: .failed,
                                content: [.content(.text("Rejected\(who)\(why)"))]))))
            }
            return outputs
        case ControlEventType.inputAdded:
            guard let input = try? InputAdded(json: event.payload) else { return [] }
            return [.update(.userMessageChunk(.text(input.text)))]
        default:
            return []
        }
    }
}
