/// `session/fork`: a new session that starts with a copy of this one's conversation (agentd `run/fork`).
public enum SessionFork: ACPMethod {
    public static let name = "session/fork"

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

    public struct Result: Codable, Sendable, Equatable {
        public var sessionId: String

        public init(sessionId: String) { self.sessionId = sessionId }
    }
}
