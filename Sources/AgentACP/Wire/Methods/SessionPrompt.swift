/// `session/prompt`: one user turn; answered when the turn ends, with why it ended.
public enum SessionPrompt: ACPMethod {
    public static let name = "session/prompt"

    public struct Params: Codable, Sendable, Equatable {
        public var sessionId: String
        public var prompt: [ContentBlock]

        public init(sessionId: String, prompt: [ContentBlock]) {
            self.sessionId = sessionId
            self.prompt = prompt
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var stopReason: StopReason
        /// Tokens the turn used, summed over its responses.
        public var usage: TurnUsage?

        public init(stopReason: StopReason, usage: TurnUsage? = nil) {
            self.stopReason = stopReason
            self.usage = usage
        }
    }
}

/// Token counts of one turn (`usage` of a `session/prompt` answer).
public struct TurnUsage: Codable, Sendable, Equatable, Hashable {
    public var totalTokens: Int
    public var inputTokens: Int
    public var outputTokens: Int

    public init(inputTokens: Int, outputTokens: Int) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.totalTokens = inputTokens + outputTokens
    }
}
