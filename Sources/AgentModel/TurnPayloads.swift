/// Payload of `turn.started`: a user prompt opens a new turn of the conversation.
public struct TurnStarted: Codable, Hashable, Sendable {
    /// The turn's number, 1 for the first.
    public var turn: Int
    /// The user's text: the turn's first user message.
    public var prompt: String
    /// The id that makes a retried prompt harmless (`"req_" + request_id` when the client gave one).
    public var inputID: String?
    /// The reasoning effort of this turn and the ones after it, when the prompt set one.
    public var effort: String? = nil
    /// How this turn and the ones after it offer `shell` and `apply_patch`, when the prompt set it.
    public var toolFormat: ToolFormat? = nil

    public init(
        turn: Int, prompt: String, inputID: String? = nil, effort: String? = nil, toolFormat: ToolFormat? = nil
    ) {
        self.turn = turn
        self.prompt = prompt
        self.inputID = inputID
        self.effort = effort
        self.toolFormat = toolFormat
    }

    enum CodingKeys: String, CodingKey {
        case turn, prompt, effort
        case inputID = "input_id"
        case toolFormat = "tool_format"
    }
}

/// One turn of a run as summarized for clients and carried into a fork.
public struct TurnRecord: Codable, Hashable, Sendable {
    public var turn: Int
    public var prompt: String
    /// The status the turn ended with, or the run's status while the turn is the current one.
    public var status: RunStatus
    /// Tool calls the model asked for in this turn.
    public var toolCalls: Int
    public var inputTokens: Int
    public var outputTokens: Int

    public init(
        turn: Int, prompt: String, status: RunStatus, toolCalls: Int = 0, inputTokens: Int = 0, outputTokens: Int = 0
    ) {
        self.turn = turn
        self.prompt = prompt
        self.status = status
        self.toolCalls = toolCalls
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
    }

    enum CodingKeys: String, CodingKey {
        case turn, prompt, status
        case toolCalls = "tool_calls"
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
    }
}

/// Payload of `run.forked`: the parent's conversation up to a turn, enough to continue without the parent.
public struct RunForked: Codable, Hashable, Sendable {
    /// The run this one was forked from.
    public var parentRunID: RunID
    /// The parent's turn the fork holds the conversation through (the fork's turn count).
    public var turn: Int
    /// The parent's turns 1 through ``turn``.
    public var turns: [TurnRecord]
    /// The conversation items through the end of ``turn``, from the latest compaction item on (see
    /// ``ConversationCompaction/pruned(_:)``): the first request of the fork sends them whole.
    public var conversation: [JSONValue]
    /// The assistant text of those turns.
    public var outputText: String

    public init(parentRunID: RunID, turn: Int, turns: [TurnRecord], conversation: [JSONValue], outputText: String) {
        self.parentRunID = parentRunID
        self.turn = turn
        self.turns = turns
        self.conversation = conversation
        self.outputText = outputText
    }

    enum CodingKeys: String, CodingKey {
        case turn, turns, conversation
        case parentRunID = "parent_run_id"
        case outputText = "output_text"
    }
}
