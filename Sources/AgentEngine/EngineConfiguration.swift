import AgentModel

/// Settings of the run engine (the `[run]` section of the config file).
public struct EngineConfiguration: Sendable {
    /// Model used when a run names none.
    public var defaultModel: String
    /// Tools a run gets when it names none.
    public var defaultTools: [String]
    /// Instructions sent with every request when a run gives none.
    public var defaultInstructions: String?
    /// Responses a run may complete before it is failed as runaway.
    public var maxResponses: Int
    /// Attempts at one turn after a dropped connection or a retryable upstream error.
    public var maxTurnAttempts: Int
    /// Whether to ask for `reasoning.encrypted_content`, so a chain can be rebuilt with reasoning items.
    public var includeEncryptedReasoning: Bool
    /// Tools whose calls always wait for a person's approval.
    public var requireApproval: [String]
    /// Tool calls a run may make before it pauses for a person's approval to go on (`nil`: no limit).
    public var maxToolCalls: Int? = nil
    /// Called when the ledger fails with an I/O error: the daemon must stop taking work and exit (a failed
    /// fsync is never retried; the restart re-verifies the file and recovers the runs).
    public var onLedgerIOError: @Sendable (LedgerFailure) -> Void
    /// Send a `generate: false` warm-up with the tools and instructions before a new run's first request
    /// (`upstream.prewarm`); the first request continues from it.
    public var prewarm = false
    /// `[run] compact_threshold`: tokens past which the server compacts the conversation inline
    /// (`context_management` on every request); 0 turns inline compaction off. A `context_length_exceeded` is
    /// recovered through `/responses/compact` whatever this is.
    public var compactThreshold = EngineConfiguration.defaultCompactThreshold
    /// The default ``compactThreshold``: well inside today's 272k–400k-token windows, leaving room for the answer.
    public static let defaultCompactThreshold = 200_000
    /// `[run] reasoning_effort` (`minimal`, `low`, `medium`, `high`, `xhigh`); nil sends none (the model's default).
    public var reasoningEffort: String? = nil
    /// Reasoning efforts the Responses API accepts.
    public static let reasoningEfforts = ["none", "minimal", "low", "medium", "high", "xhigh"]
    /// `[run] reasoning_summary` (`auto`, `concise`, `detailed`); nil or `none` asks for no summary.
    public var reasoningSummary: String? = "auto"
    /// `[run] prompt_cache_retention` (`in_memory`, `24h`); nil sends none.
    public var promptCacheRetention: String? = nil
    /// `[run] max_output_tokens`; nil sends none.
    public var maxOutputTokens: Int? = nil
    /// `[run] safety_identifier`: a stable, hashed end-user id for the service's abuse monitoring.
    public var safetyIdentifier: String? = nil
    /// `[run] service_tier` (`auto`, `default`, `flex`, `priority`); nil sends none.
    public var serviceTier: String? = nil
    /// `[run] tool_format`: how runs that name no format offer `shell` and `apply_patch` (see ``ToolFormat``).
    public var toolFormat = ToolFormatChoice.auto
    /// `[run] native_tool_models`: the model-name prefixes `auto` offers the built-in tool types to.
    public var nativeToolModels = ToolFormatChoice.defaultNativeModels
    /// Bounds on each upstream response (bytes, frames, wall time).
    public var responseLimits = ResponseLimits()
    /// Where the engine's measurements go (by default the process-wide swift-metrics backend).
    public var metrics = EngineMetrics()

    public init(
        defaultModel: String = "gpt-5.2",
        defaultTools: [String] = ["shell"],
        defaultInstructions: String? = nil,
        maxResponses: Int = 200,
        maxTurnAttempts: Int = 5,
        includeEncryptedReasoning: Bool = true,
        requireApproval: [String] = [],
        onLedgerIOError: @escaping @Sendable (LedgerFailure) -> Void = { _ in }
    ) {
        self.onLedgerIOError = onLedgerIOError
        self.requireApproval = requireApproval
        self.defaultModel = defaultModel
        self.defaultTools = defaultTools
        self.defaultInstructions = defaultInstructions
        self.maxResponses = maxResponses
        self.maxTurnAttempts = maxTurnAttempts
        self.includeEncryptedReasoning = includeEncryptedReasoning
    }
}
