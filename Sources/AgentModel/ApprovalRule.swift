/// How long a person's decision on a tool call holds: for that call, or for every later call of its tool.
public enum ApprovalMemory: String, Codable, Sendable, Hashable {
    /// This call only (the default).
    case once
    /// This call and every later call of the same tool in this run: the decision becomes an ``ApprovalRule``.
    case always
}

/// An always-decision on a tool in one run (allow_always / reject_always), folded from the `approval.resolved`
/// event that made it.
///
/// An allowing rule lets later calls of the tool that would wait for approval run without asking; a denying
/// rule answers every later call of the tool as denied. Calls left uncertain by a crash are still asked about:
/// whether to run a call again that may have had its effect is not a question about the tool.
public struct ApprovalRule: Codable, Hashable, Sendable {
    public var tool: String
    public var approved: Bool
    /// The call whose decision made the rule.
    public var callID: String
    /// Who made it (the client's name from `initialize`, the peer's uid).
    public var client: String?
    public var uid: UInt32?

    public init(tool: String, approved: Bool, callID: String, client: String?, uid: UInt32?) {
        self.tool = tool
        self.approved = approved
        self.callID = callID
        self.client = client
        self.uid = uid
    }

    /// The reason recorded with a decision this rule makes.
    public var reason: String {
        "\(approved ? "allow" : "reject")_always rule for \(tool)"
            + (client.map { " (set in \($0) on \(callID))" } ?? " (set on \(callID))")
    }

    /// The decision this rule makes on `call`.
    public func decision(on call: ToolCallRecord) -> ApprovalResolved {
        var decision = ApprovalResolved(callID: call.callID, approved: approved, reason: reason, client: client, uid: uid)
        decision.byRule = true
        return decision
    }

    enum CodingKeys: String, CodingKey {
        case tool, approved
        case callID = "call_id"
        case client, uid
    }
}
