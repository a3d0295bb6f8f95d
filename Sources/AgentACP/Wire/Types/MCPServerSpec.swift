import AgentModel

/// An MCP server the editor asks a session to use (`mcpServers` of `session/new` and friends).
///
/// stdio servers have `command`, `args`, `env`; http and sse servers have `type`, `url`, `headers`. Only the
/// members agentd would act on are typed; the rest is kept as sent.
public struct MCPServerSpec: Codable, Sendable, Equatable {
    public var name: String
    /// `http` or `sse`; absent for stdio servers.
    public var type: String?
    public var command: String?
    public var args: [String]?
    public var url: String?

    public init(name: String, type: String? = nil, command: String? = nil, args: [String]? = nil, url: String? = nil) {
        self.name = name
        self.type = type
        self.command = command
        self.args = args
        self.url = url
    }
}
