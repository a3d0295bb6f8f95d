/// `session/new`: a new conversation, which is a new agentd run with no turn yet.
public enum SessionNew: ACPMethod {
    public static let name = "session/new"

    public struct Params: Codable, Sendable, Equatable {
        /// The working directory (absolute).
        public var cwd: String
        /// MCP servers the editor wants the session to use.
        public var mcpServers: [MCPServerSpec]

        public init(cwd: String, mcpServers: [MCPServerSpec] = []) {
            self.cwd = cwd
            self.mcpServers = mcpServers
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        /// The session id: the agentd run id.
        public var sessionId: String

        public init(sessionId: String) { self.sessionId = sessionId }
    }
}
