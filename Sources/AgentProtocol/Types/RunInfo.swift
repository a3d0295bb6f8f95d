import AgentModel

/// A run as shown to clients; built from ``RunState`` by ``RunInfo/init(_:)`` (the one mapping).
public struct RunInfo: Codable, Sendable, Equatable, Hashable {
    public var id: RunID
    public var status: RunStatus
    public var model: String
    public var prompt: String
    public var cwd: String
    public var outputText: String
    public var createdAtMillis: Int64
    public var updatedAtMillis: Int64
    /// The seq of the last event folded in, -1 before any.
    public var lastSeq: Int64
    public var responsesCompleted: Int
    public var toolCalls: [ToolCallInfo]
    public var inputTokens: Int
    public var outputTokens: Int
    public var error: RunErrorInfo?
    public var endReason: String?
    /// The conversation's estimated size in tokens (4 bytes each): what a full-context rebuild would send.
    public var contextTokens: Int? = nil
    /// Compaction items the run received (inline or through `/responses/compact`).
    public var compactions: Int? = nil
    /// The wait before the run's next attempt at a request, while it lasts (a 429, a 5xx, …).
    public var retry: RunRetryInfo? = nil
    /// The number of turns of the conversation (0 while the run is idle with none).
    public var turns: Int
    /// The prompt of the last turn (``prompt`` is the first turn's).
    public var lastPrompt: String? = nil
    /// Every turn, in order.
    public var turnList: [TurnInfo]? = nil
    /// The run's allow_always / reject_always rules, by tool name; absent when it has none.
    public var approvalRules: [ApprovalRuleInfo]? = nil
    /// How the run offers `shell` and `apply_patch`: `native` (the built-in tool types) or `function`.
    public var toolFormat: ToolFormat? = nil

    public init(
        id: RunID, status: RunStatus, model: String, prompt: String, cwd: String, outputText: String,
        createdAtMillis: Int64, updatedAtMillis: Int64, lastSeq: Int64, responsesCompleted: Int,
        toolCalls: [ToolCallInfo], inputTokens: Int, outputTokens: Int, error: RunErrorInfo? = nil,
        endReason: String? = nil, turns: Int = 0
    ) {
        self.turns = turns
        self.id = id
        self.status = status
        self.model = model
        self.prompt = prompt
        self.cwd = cwd
        self.outputText = outputText
        self.createdAtMillis = createdAtMillis
        self.updatedAtMillis = updatedAtMillis
        self.lastSeq = lastSeq
        self.responsesCompleted = responsesCompleted
        self.toolCalls = toolCalls
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.error = error
        self.endReason = endReason
    }

    enum CodingKeys: String, CodingKey {
        case id, status, model, prompt, cwd
        case outputText = "output_text"
        case createdAtMillis = "created_at_ms"
        case updatedAtMillis = "updated_at_ms"
        case lastSeq = "last_seq"
        case responsesCompleted = "responses_completed"
        case toolCalls = "tool_calls"
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case error
        case endReason = "end_reason"
        case contextTokens = "context_tokens"
        case compactions, retry, turns
        case lastPrompt = "last_prompt"
        case turnList = "turn_list"
        case approvalRules = "approval_rules"
        case toolFormat = "tool_format"
    }
}

/// One turn of a run, as shown to clients: the model's own summary of it (one definition for the ledger's fork
/// history and the wire).
public typealias TurnInfo = TurnRecord

/// Why a run waits before trying a request again, and until when.
public struct RunRetryInfo: Codable, Sendable, Equatable, Hashable {
    /// The upstream's error code (`rate_limit_exceeded`, `server_error`, …).
    public var code: String?
    public var message: String
    /// The wait in milliseconds, and when it began (ms since 1970).
    public var delayMillis: Int
    public var sinceMillis: Int64?
    /// Whether the server asked for this wait (`retry-after`) rather than agentd's backoff.
    public var serverAsked: Bool
    public var attempt: Int

    public init(code: String?, message: String, delayMillis: Int, sinceMillis: Int64?, serverAsked: Bool, attempt: Int) {
        self.code = code
        self.message = message
        self.delayMillis = delayMillis
        self.sinceMillis = sinceMillis
        self.serverAsked = serverAsked
        self.attempt = attempt
    }

    enum CodingKeys: String, CodingKey {
        case code, message, attempt
        case delayMillis = "delay_ms"
        case sinceMillis = "since_ms"
        case serverAsked = "server_asked"
    }
}

/// One tool call of a run, as shown to clients.
public struct ToolCallInfo: Codable, Sendable, Equatable, Hashable {
    public var callID: String
    public var name: String
    /// The arguments as JSON text, exactly as the model produced them.
    public var arguments: String
    /// `requested`, `running` or `finished`.
    public var status: String
    public var exitCode: Int32?
    public var durationMillis: Double?
    /// `pending`, `approved` or `denied` when the call needs (or got) a person's decision; absent otherwise.
    public var approval: String?
    /// Why a finished call never ran (a missing program or working directory, refused arguments).
    public var error: String?
    /// The signal that killed a finished call's process (`SIGTERM`).
    public var signal: String?
    /// `true` when agentd killed the call because the run was cancelled.
    public var cancelled: Bool?

    public init(
        callID: String, name: String, arguments: String, status: String, exitCode: Int32? = nil,
        durationMillis: Double? = nil, approval: String? = nil
    ) {
        self.approval = approval
        self.callID = callID
        self.name = name
        self.arguments = arguments
        self.status = status
        self.exitCode = exitCode
        self.durationMillis = durationMillis
    }

    enum CodingKeys: String, CodingKey {
        case callID = "call_id"
        case name, arguments, status, approval, error, signal, cancelled
        case exitCode = "exit_code"
        case durationMillis = "duration_ms"
    }
}

/// The last error of a run.
public struct RunErrorInfo: Codable, Sendable, Equatable, Hashable {
    public var code: String?
    public var message: String?

    public init(code: String? = nil, message: String? = nil) {
        self.code = code
        self.message = message
    }
}

/// A run as listed by `run/list`.
public struct RunListEntry: Codable, Sendable, Equatable, Hashable {
    public var id: RunID
    public var status: RunStatus
    public var model: String
    public var prompt: String
    public var createdAtMillis: Int64
    public var updatedAtMillis: Int64
    /// The number of turns (absent from daemons before conversations).
    public var turns: Int? = nil
    /// The prompt of the last turn, when it is not the first.
    public var lastPrompt: String? = nil

    public init(
        id: RunID, status: RunStatus, model: String, prompt: String, createdAtMillis: Int64, updatedAtMillis: Int64,
        turns: Int? = nil, lastPrompt: String? = nil
    ) {
        self.turns = turns
        self.lastPrompt = lastPrompt
        self.id = id
        self.status = status
        self.model = model
        self.prompt = prompt
        self.createdAtMillis = createdAtMillis
        self.updatedAtMillis = updatedAtMillis
    }

    enum CodingKeys: String, CodingKey {
        case id, status, model, prompt, turns
        case createdAtMillis = "created_at_ms"
        case updatedAtMillis = "updated_at_ms"
        case lastPrompt = "last_prompt"
    }
}
