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

    public init(
        defaultModel: String = "gpt-5.2",
        defaultTools: [String] = ["shell"],
        defaultInstructions: String? = nil,
        maxResponses: Int = 200,
        maxTurnAttempts: Int = 5,
        includeEncryptedReasoning: Bool = true,
        requireApproval: [String] = []
    ) {
        self.requireApproval = requireApproval
        self.defaultModel = defaultModel
        self.defaultTools = defaultTools
        self.defaultInstructions = defaultInstructions
        self.maxResponses = maxResponses
        self.maxTurnAttempts = maxTurnAttempts
        self.includeEncryptedReasoning = includeEncryptedReasoning
    }
}
