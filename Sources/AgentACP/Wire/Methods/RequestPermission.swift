/// `session/request_permission` (agent → editor request): a tool call waits for a person's decision.
public enum RequestPermission: ACPMethod {
    public static let name = "session/request_permission"

    public struct Params: Codable, Sendable, Equatable {
        public var sessionId: String
        public var toolCall: ToolCallFields
        public var options: [PermissionOption]

        public init(sessionId: String, toolCall: ToolCallFields, options: [PermissionOption]) {
            self.sessionId = sessionId
            self.toolCall = toolCall
            self.options = options
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var outcome: Outcome

        public init(outcome: Outcome) { self.outcome = outcome }
    }

    /// The editor's answer: an option chosen, or the request cancelled (the turn was cancelled).
    public struct Outcome: Codable, Sendable, Equatable {
        /// `selected` or `cancelled`.
        public var outcome: String
        public var optionId: String?

        public init(outcome: String, optionId: String? = nil) {
            self.outcome = outcome
            self.optionId = optionId
        }
    }
}
