import AgentModel

/// A tool call waiting for a person's decision, as listed by `approval/list`.
public struct ApprovalInfo: Codable, Sendable, Equatable, Hashable {
    public var runID: RunID
    public var callID: String
    /// The tool's name.
    public var name: String
    /// The arguments as JSON text, exactly as the model produced them.
    public var arguments: String
    /// Why a person must decide: `policy` (the tool requires approval) or `uncertain` (the call started before a
    /// crash and may or may not have had its effect).
    public var reason: String?

    public init(runID: RunID, callID: String, name: String, arguments: String, reason: String? = nil) {
        self.runID = runID
        self.callID = callID
        self.name = name
        self.arguments = arguments
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case runID = "run_id"
        case callID = "call_id"
        case name, arguments, reason
    }
}
