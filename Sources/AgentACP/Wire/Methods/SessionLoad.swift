/// `session/load`: replays a conversation as `session/update`s, answers, then streams its live turns.
public enum SessionLoad: ACPMethod {
    public static let name = "session/load"

    public struct Params: Codable, Sendable, Equatable {
        public var sessionId: String
        public var cwd: String
        public var mcpServers: [MCPServerSpec]

        public init(sessionId: String, cwd: String, mcpServers: [MCPServerSpec] = []) {
            self.sessionId = sessionId
            self.cwd = cwd
            self.mcpServers = mcpServers
        }
    }

    public typealias Result = ACPEmpty
}
