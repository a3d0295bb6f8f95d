import AgentModel

/// `run/start`: starts a run and answers once `run.started` is committed.
///
/// Without a prompt (absent or empty) the run has no turn: it is `idle`, nothing is sent upstream, and
/// `run/prompt` starts its first turn.
public enum RunStart: ControlMethod {
    public static let name = "run/start"

    public struct Params: IdempotentParams {
        /// The user's prompt: the first turn's message. Absent or empty: the run starts `idle`, with no turn.
        public var prompt: String?
        /// The model; the daemon's default when absent.
        public var model: String?
        /// Working directory for tools; the daemon's default when absent.
        public var cwd: String?
        /// System instructions.
        public var instructions: String?
        /// Names of the tools the run may use; the daemon's default set when absent.
        public var tools: [String]?
        /// Tools added to `tools` (or to the daemon's default set) for this run (`agentctl start --tool`).
        public var addTools: [String]?
        /// Tools taken out of the run's set (`agentctl start --no-tool`); a name both added and removed is removed.
        public var removeTools: [String]?
        /// Tools whose calls wait for a person's approval in this run (added to the daemon's configured ones).
        public var requireApproval: [String]?
        /// A client-chosen idempotency key: the same key twice returns the same run.
        public var requestID: String?
        /// Reasoning effort for this run (`none`, `minimal`, `low`, `medium`, `high`, `xhigh`); the daemon's
        /// `[run] reasoning_effort` when absent.
        public var effort: String? = nil
        /// `max_output_tokens` of every response of this run (> 0); the daemon's `[run] max_output_tokens` when
        /// absent.
        public var maxOutputTokens: Int? = nil
        /// How the run offers `shell` and `apply_patch`: `native` (the built-in Responses tool types) or `function`;
        /// the daemon's `[run] tool_format` (by default chosen from the model) when absent.
        public var toolFormat: ToolFormat? = nil

        public init(
            prompt: String?, model: String? = nil, cwd: String? = nil, instructions: String? = nil,
            tools: [String]? = nil, requireApproval: [String]? = nil, requestID: String? = nil,
            addTools: [String]? = nil, removeTools: [String]? = nil
        ) {
            self.addTools = addTools
            self.removeTools = removeTools
            self.requireApproval = requireApproval
            self.prompt = prompt
            self.model = model
            self.cwd = cwd
            self.instructions = instructions
            self.tools = tools
            self.requestID = requestID
        }

        enum CodingKeys: String, CodingKey {
            case prompt, model, cwd, instructions, tools
            case requireApproval = "require_approval"
            case requestID = "request_id"
            case addTools = "add_tools"
            case removeTools = "remove_tools"
            case effort
            case maxOutputTokens = "max_output_tokens"
            case toolFormat = "tool_format"
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var run: RunInfo

        public init(run: RunInfo) { self.run = run }
    }
}
