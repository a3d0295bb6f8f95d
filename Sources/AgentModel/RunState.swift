/// Everything known about a run, as folded from its events by ``RunReducer``.
public struct RunState: Codable, Hashable, Sendable {
    public var id: RunID
    public var status: RunStatus
    public var model: String
    public var prompt: String
    public var instructions: String?
    public var cwd: String
    public var tools: [String]
    /// Tools whose calls wait for approval in this run.
    public var requireApproval: [String]
    /// Ids of injected inputs already applied (a retried `run/input` is not applied twice).
    public var inputIDs: Set<String>
    public var createdAtMillis: Int64
    public var updatedAtMillis: Int64
    /// Sequence number of the last event folded in, or -1 before any.
    public var lastSeq: Int64
    /// Text of the assistant messages of every completed response, in order.
    public var outputText: String
    /// Id of the last completed response: the `previous_response_id` of the next request while the chain holds.
    public var lastResponseID: String?
    /// Whether the next request may continue from ``lastResponseID``; false after a chain reset.
    public var chainIntact: Bool
    /// Whether the whole conversation must be sent again (after a chain reset interrupted a request).
    public var needsResend: Bool
    /// Id of the response being streamed, if any.
    public var currentResponseID: String?
    /// Whether a `response.create` was sent and its terminal event has not arrived.
    public var awaitingResponse: Bool
    /// Number of responses that completed.
    public var responsesCompleted: Int
    /// Every tool call, in the order the model asked.
    public var toolCalls: [ToolCallRecord]
    /// The whole conversation so far (input items sent and output items received), for a full-context restart.
    public var conversation: [JSONValue]
    /// Items not yet sent upstream (the first prompt, then tool outputs).
    public var pendingInput: [JSONValue]
    /// Injected input handed to the upstream with `response.steer` and not yet applied (see ``SteeringInput``).
    public var steering: [SteeringInput]
    /// The upstream answered `steering_not_supported`: injected input is only queued from then on.
    public var steeringUnsupported: Bool
    /// Tokens reported by completed responses.
    public var inputTokens: Int
    public var outputTokens: Int
    /// The last error the upstream or the engine reported.
    public var lastError: UpstreamError?
    /// Why the run ended, when it did not complete.
    public var endReason: String?
    /// The run's reasoning effort (`agentctl start --effort`), overriding `[run] reasoning_effort`.
    public var effort: String? = nil
    /// The run's `max_output_tokens`, overriding `[run] max_output_tokens`.
    public var maxOutputTokens: Int? = nil
    /// How the run offers `shell` and `apply_patch` upstream (see ``ToolFormat``): which item type a call of them
    /// must come as.
    public var toolFormat: ToolFormat = .function
    /// The wait the engine is in before retrying a request (429, 5xx, …), until the next request goes out.
    public var retryWait: RetryScheduled? = nil
    /// Compaction items received (inline, or from `/responses/compact`).
    public var compactions: Int = 0
    /// The conversation was compacted through `/responses/compact` after a `context_length_exceeded` (at most
    /// once per request: cleared when a response completes).
    public var overflowCompacted: Bool = false
    /// A `/responses/compact` request was recorded and its answer has not been.
    public var compactionPending: Bool = false
    /// Responses in a row that ended `incomplete` for `max_output_tokens` and were continued.
    public var incompleteContinuations: Int = 0
    /// The last response ended `incomplete` (`max_output_tokens`): the next request continues it with no input.
    public var continuesIncomplete: Bool = false
    /// The conversation's turns, in order (empty while the run is idle).
    public var turns: [TurnRecord] = []
    /// Where the current turn began: ``toolCalls`` and ``responsesCompleted`` before it (per-turn limits count from
    /// here).
    public var turnFirstCall: Int = 0
    public var turnFirstResponse: Int = 0

    public init(id: RunID) {
        self.id = id
        status = .running
        model = ""
        prompt = ""
        instructions = nil
        cwd = ""
        tools = []
        requireApproval = []
        inputIDs = []
        createdAtMillis = 0
        updatedAtMillis = 0
        lastSeq = -1
        outputText = ""
        lastResponseID = nil
        chainIntact = false
        needsResend = false
        currentResponseID = nil
        awaitingResponse = false
        responsesCompleted = 0
        toolCalls = []
        conversation = []
        pendingInput = []
        steering = []
        steeringUnsupported = false
        inputTokens = 0
        outputTokens = 0
        lastError = nil
        endReason = nil
    }

    /// Calls the model asked for in the last completed response that have not finished.
    public var unfinishedCalls: [ToolCallRecord] {
        toolCalls.filter { $0.status != .finished }
    }

    /// Calls waiting for a person's decision.
    public var pendingApprovals: [ToolCallRecord] {
        toolCalls.filter { $0.approval == .pending }
    }
}
