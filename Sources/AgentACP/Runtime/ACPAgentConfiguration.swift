import AgentClient

/// How `agentctl acp` runs: where agentd is, which model new sessions use, the limits of its stdio.
public struct ACPAgentConfiguration: Sendable {
    /// agentd's control socket.
    public var socketPath: String
    /// The model of new sessions; agentd's default when nil.
    public var model: String?
    /// Tools whose calls wait for a decision in new sessions (added to agentd's configured ones).
    public var requireApproval: [String]
    /// The context window reported in `usage_update`.
    public var contextWindow: Int
    /// The longest line read from the editor; a longer one is skipped with an error.
    public var maxLineBytes: Int
    /// Bytes queued for an editor that does not read before the command gives up on it.
    public var maxQueuedBytes: Int
    /// The version reported in `agentInfo`.
    public var version: String
    /// What to tell the editor when agentd cannot be reached (how to start it), appended to the error message.
    public var connectionAdvice: @Sendable (ControlClientError) -> String
    /// Where diagnostics go (stderr: stdout belongs to the protocol).
    public var log: @Sendable (String) -> Void

    public init(
        socketPath: String, model: String? = nil, requireApproval: [String] = [], contextWindow: Int = 400_000,
        maxLineBytes: Int = 64 << 20, maxQueuedBytes: Int = 256 << 20, version: String,
        connectionAdvice: @escaping @Sendable (ControlClientError) -> String = { _ in "" },
        log: @escaping @Sendable (String) -> Void
    ) {
        self.socketPath = socketPath
        self.model = model
        self.requireApproval = requireApproval
        self.contextWindow = contextWindow
        self.maxLineBytes = maxLineBytes
        self.maxQueuedBytes = maxQueuedBytes
        self.version = version
        self.connectionAdvice = connectionAdvice
        self.log = log
    }
}
