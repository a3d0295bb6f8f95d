import AgentModel

/// An allow_always / reject_always rule of a run, as shown to clients (see ``ApprovalRule``).
public struct ApprovalRuleInfo: Codable, Sendable, Equatable, Hashable {
    public var tool: String
    /// `true`: later calls of the tool run without asking; `false`: they are answered as denied.
    public var approved: Bool
    /// The call whose decision made the rule, and who made it.
    public var callID: String
    public var client: String?
    public var uid: UInt32?

    public init(tool: String, approved: Bool, callID: String, client: String?, uid: UInt32?) {
        self.tool = tool
        self.approved = approved
        self.callID = callID
        self.client = client
        self.uid = uid
    }

    /// The wire view of `rule`.
    public init(_ rule: ApprovalRule) {
        self.init(tool: rule.tool, approved: rule.approved, callID: rule.callID, client: rule.client, uid: rule.uid)
    }

    enum CodingKeys: String, CodingKey {
        case tool, approved
        case callID = "call_id"
        case client, uid
    }
}
