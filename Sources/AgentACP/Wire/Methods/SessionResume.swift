/// `session/resume`: follow a session's live turns without replaying its history.
public enum SessionResume: ACPMethod {
    public static let name = "session/resume"

    public struct Params: Codable, Sendable, Equatable {
        public var sessionId: String
        public var cwd: String
        public var mcpServers: [MCPServerSpec]?

        public init(sessionId: String, cwd: String, mcpServers: [MCPServerSpec]? = nil) {
            self.sessionId = sessionId
            self.cwd = cwd
            self.mcpServers = mcpServers
        }
    }

    public typealias Result = ACPEmpty
}
