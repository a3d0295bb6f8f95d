/// One function call the model asked for, and what became of it.
public struct ToolCallRecord: Codable, Hashable, Sendable {
    /// Progress of a call through the effect journal.
    public enum Status: String, Codable, Sendable {
        /// The model asked for it; it has not started.
        case requested
        /// `tool.started` is committed; `tool.finished` is not.
        case running
        /// `tool.finished` is committed.
        case finished
    }

    public var callID: String
    public var name: String
    public var arguments: String
    public var status: Status
    /// Whether the call waits for, or got, a person's decision.
    public var approval: Approval?
    /// Why the call waits (or waited) for a person, once asked.
    public var approvalReason: ApprovalRequested.Reason?
    public var exitCode: Int32?
    public var durationMillis: Double?
    /// Why the call must never run, when the reducer decided so as the response completed (see
    /// ``RunState/admit(_:)``); the engine records `tool.refused` for it instead of running it.
    public var refusal: ToolRefusal?

    /// A person's part in a call.
    public enum Approval: String, Codable, Sendable {
        case pending
        case approved
        case denied
    }

    public init(
        callID: String, name: String, arguments: String, status: Status, approval: Approval? = nil,
        exitCode: Int32? = nil, durationMillis: Double? = nil
    ) {
        self.callID = callID
        self.name = name
        self.arguments = arguments
        self.status = status
        self.approval = approval
        self.exitCode = exitCode
        self.durationMillis = durationMillis
    }

    enum CodingKeys: String, CodingKey {
        case callID = "call_id"
        case name, arguments, status, approval
        case approvalReason = "approval_reason"
        case exitCode = "exit_code"
        case durationMillis = "duration_ms"
        case refusal
    }
}
