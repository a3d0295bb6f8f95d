import AgentMCP
import AgentTools
import Logging

extension Daemon {
    /// Starts the `[[mcp.servers]]` and lists their tools; a server that cannot start stops agentd's start-up
    /// with an error naming it. Each server's environment is the `tools.environment` allow-list plus its `env`.
    func startMCPServers(logger: Logger) async throws -> MCPToolSource {
        let policy = Self.toolLimits(for: configuration).environment
        do {
            return try await MCPToolSource.start(
                configuration.mcp.servers, environment: environment, policy: policy, logger: logger)
        } catch {
            throw DaemonError("\(error)")
        }
    }

    /// The function names of MCP tools whose server is configured with `approval = "always"`.
    static func mcpAlwaysApproved(_ source: MCPToolSource, configuration: DaemonConfiguration)
        -> [String]
    {
        let approved = Set(configuration.mcp.servers.filter(\.requiresApproval).map(\.name))
        return source.tools.filter { tool in
            approved.contains { tool.name.hasPrefix($0 + MCPServerSpec.separator) }
        }.map(\.name)
    }
}
