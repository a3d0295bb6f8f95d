/// What the engine should do next for a run, decided from its state alone.
public enum NextStep: Equatable, Sendable {
    /// Send a `response.create` with the pending input.
    case sendRequest
    /// Run these calls (committing `tool.started` first).
    case runTools([ToolCallRecord])
    /// Answer these calls without running them (committing `tool.refused` for each): the run was not given the
    /// tool, or the call repeats an earlier call's id (see ``ToolCallRecord/refusal``).
    case refuseTools([ToolCallRecord])
    /// Calls started before a crash whose outcome is unknown: a person must decide.
    case resolveUncertain([ToolCallRecord])
    /// Calls of tools that require approval: ask a person first.
    case requestApproval([ToolCallRecord])
    /// Calls an always-rule decides (``RunState/callsDecidedByRule``): record each rule's decision.
    case applyRules([ToolCallRecord])
    /// The last response asked for nothing more: the run is complete.
    case complete
    /// The last request failed upstream; the engine decides whether to retry.
    case failed(UpstreamError)
    /// The last request exceeded the model's context window: compact the conversation with
    /// `POST /responses/compact` and start a new chain from its output (once per request).
    case compact
    /// A response is streaming, or the run has ended: nothing to start.
    case wait
}

extension RunState {
    /// The next step for the engine, derived from the state.
    public var nextStep: NextStep {
        if status.isTerminal || awaitingResponse { return .wait }
        // Before the wait for a person: a rule made on one call decides the calls of its tool asked about with it.
        let ruled = callsDecidedByRule
        if !ruled.isEmpty { return .applyRules(ruled) }
        if status == .awaitingApproval { return .wait }
        if let lastError {
            if lastError.code == UpstreamError.contextLengthExceeded && !overflowCompacted { return .compact }
            return .failed(lastError)
        }
        if !pendingApprovals.isEmpty { return .wait }
        let open = unfinishedCalls
        // Before anything else about the calls: a refused call is never asked about, counted or run.
        let refused = open.filter { $0.refusal != nil }
        if !refused.isEmpty { return .refuseTools(refused) }
        let running = open.filter { $0.status == .running }
        if !running.isEmpty { return .resolveUncertain(running) }
        let gated = open.filter { $0.approval == nil && requireApproval.contains($0.name) }
        if !gated.isEmpty { return .requestApproval(gated) }
        if !open.isEmpty { return .runTools(open) }
        if !pendingInput.isEmpty || needsResend || continuesIncomplete { return .sendRequest }
        if responsesCompleted > 0 { return .complete }
        return .wait
    }
}
