import AgentModel

/// `run/prompt`: the next user message of a run's conversation.
///
/// A run whose last turn ended (`completed`, `failed`, `cancelled`, `interrupted`; an interrupted turn is recorded
/// as ended first) or that is `idle` starts a new turn with it (`turn.started`). A `running` or
/// `awaiting_approval` run takes it as input for the current turn, as `run/input` does, and `turn` is the current
/// turn. Idempotent with `request_id` like `run/start`.
public enum RunPrompt: ControlMethod {
    public static let name = "run/prompt"

    public struct Params: IdempotentParams {
        public var runID: RunID
        /// The user's message (must not be empty).
        public var text: String
        /// A client-chosen idempotency key.
        public var requestID: String?
        /// Reasoning effort from this turn on (as `run/start`'s); the run's when absent.
        public var effort: String? = nil
        /// How `shell` and `apply_patch` are offered from this turn on (as `run/start`'s); the run's when absent.
        public var toolFormat: ToolFormat? = nil

        public init(
            runID: RunID, text: String, requestID: String? = nil, effort: String? = nil, toolFormat: ToolFormat? = nil
        ) {
            self.runID = runID
            self.text = text
            self.requestID = requestID
            self.effort = effort
            self.toolFormat = toolFormat
        }

        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
            case text, effort
            case requestID = "request_id"
            case toolFormat = "tool_format"
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        /// The run once the prompt was recorded.
        public var run: RunInfo
        /// The turn the text belongs to: the new turn, or the current one when it was queued as input.
        public var turn: Int

        public init(run: RunInfo, turn: Int) {
            self.run = run
            self.turn = turn
        }
    }
}
