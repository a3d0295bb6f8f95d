import AgentModel

/// What a client asks for when it starts a run; unset fields take the engine's defaults.
public struct StartRunRequest: Sendable, Hashable {
    public var prompt: String
    public var model: String?
    public var cwd: String
    public var instructions: String?
    public var tools: [String]?
    /// Tools added to ``tools`` (or to the default set) for this run.
    public var addTools: [String] = []
    /// Tools taken out of the run's set (see ``ToolSelection``).
    public var removeTools: [String] = []
    /// Name of the client that started the run, for the record.
    public var client: String?
    /// Tools whose calls wait for a person's approval in this run (added to the configured ones).
    public var requireApproval: [String]
    /// Reasoning effort for this run (overrides `[run] reasoning_effort`).
    public var effort: String? = nil
    /// `max_output_tokens` for this run (overrides `[run] max_output_tokens`).
    public var maxOutputTokens: Int? = nil
    /// How this run offers `shell` and `apply_patch` (overrides `[run] tool_format`).
    public var toolFormat: ToolFormat? = nil

    public init(
        prompt: String, model: String? = nil, cwd: String, instructions: String? = nil, tools: [String]? = nil,
        client: String? = nil, requireApproval: [String] = []
    ) {
        self.requireApproval = requireApproval
        self.prompt = prompt
        self.model = model
        self.cwd = cwd
        self.instructions = instructions
        self.tools = tools
        self.client = client
    }
}
