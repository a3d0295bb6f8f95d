extension RunState {
    /// Calls an ``ApprovalRule`` decides instead of a person: calls of a tool with a rule that are waiting for a
    /// policy decision (asked before the rule was made), or would be asked about (an allowing rule: its tool
    /// requires approval), or are about to run (a denying rule).
    ///
    /// Uncertain calls (started before a crash) and the tool-call limit's question are never decided by a rule.
    public var callsDecidedByRule: [ToolCallRecord] {
        toolCalls.filter { call in
            guard let rule = approvalRules[call.name], call.status == .requested, call.refusal == nil else { return false }
            switch call.approval {
            case .pending: return call.approvalReason == .policy
            case nil: return !rule.approved || requireApproval.contains(call.name)
            case .approved, .denied: return false
            }
        }
    }

    /// Folds the rule `decision` makes, if it is an always-decision a person made on a call asked about for its
    /// tool (not on the tool-call limit, which is no question about the tool).
    mutating func remember(_ decision: ApprovalResolved, on call: ToolCallRecord) {
        guard decision.remember == .always, decision.byRule != true, call.approvalReason != .toolCallLimit else { return }
        approvalRules[call.name] = ApprovalRule(
            tool: call.name, approved: decision.approved, callID: call.callID, client: decision.client, uid: decision.uid)
    }
}
