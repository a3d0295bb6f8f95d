/// One tool call the model asked for (a `function_call`, `shell_call` or `apply_patch_call` item), and what became
/// of it.
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
    /// The item type the call came as; the answer is an item of ``ToolCallKind/outputType``. For native kinds
    /// ``name`` is the agentd tool (`shell`, `apply_patch`) and ``arguments`` the item's `action` or `operation`.
    public var kind: ToolCallKind = .function
    /// The call item's `caller` (`{"type": "direct"}` or `{"type": "program", "caller_id"}`), sent back unchanged.
    public var caller: JSONValue?
    /// Why the call must never run, when the reducer decided so as the response completed (see
    /// ``RunState/admit(_:)``); the engine records `tool.refused` for it instead of running it.
    public var refusal: ToolRefusal?
    /// Why a finished call never ran (``ToolFinished/launchError``).
    public var error: String?
    /// The signal that killed a finished call's process (``ToolFinished/signal``).
    public var signal: String?
    /// `true` when agentd killed the call because the run was cancelled (``ToolFinished/cancelled``).
    public var cancelled: Bool?

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
        case kind, caller, refusal, error, signal, cancelled
    }

    /// Decodes a record; `kind` is absent from records written before native tool items (it is `function_call`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        callID = try container.decode(String.self, forKey: .callID)
        name = try container.decode(String.self, forKey: .name)
        arguments = try container.decode(String.self, forKey: .arguments)
        status = try container.decode(Status.self, forKey: .status)
        approval = try container.decodeIfPresent(Approval.self, forKey: .approval)
        approvalReason = try container.decodeIfPresent(ApprovalRequested.Reason.self, forKey: .approvalReason)
        exitCode = try container.decodeIfPresent(Int32.self, forKey: .exitCode)
        durationMillis = try container.decodeIfPresent(Double.self, forKey: .durationMillis)
        kind = try container.decodeIfPresent(ToolCallKind.self, forKey: .kind) ?? .function
        caller = try container.decodeIfPresent(JSONValue.self, forKey: .caller)
        refusal = try container.decodeIfPresent(ToolRefusal.self, forKey: .refusal)
        error = try container.decodeIfPresent(String.self, forKey: .error)
        signal = try container.decodeIfPresent(String.self, forKey: .signal)
        cancelled = try container.decodeIfPresent(Bool.self, forKey: .cancelled)
    }
}
