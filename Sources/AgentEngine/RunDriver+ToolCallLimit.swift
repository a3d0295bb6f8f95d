import AgentModel

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
