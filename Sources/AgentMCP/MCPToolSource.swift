import AgentTools
import Logging

/// The `[[mcp.servers]]` of the configuration, started: each server's connection and the tools it offers.
public struct MCPToolSource: Sendable {
    /// One connection per configured server, in config order.
    public let connections: [MCPServerConnection]
    /// Every server's tools as function tools named `<server>__<tool>`.
    public let tools: [MCPTool]

    /// Starts every server in `specs`, lists its tools and wraps them; throws (naming the server) when one cannot
    /// start or offers a tool whose function name the Responses API would refuse.
    ///
    /// - Parameters:
    ///   - environment: the daemon's environment; each server gets its allow-listed part plus the server's `env`.
    ///   - policy: the allow-list and the secrets never passed on.
    public static func start(
        _ specs: [MCPServerSpec], environment: [String: String], policy: EnvironmentPolicy,
        logger: Logger,
        startTimeout: Duration = .seconds(30), backoff: MCPRestartBackoff = MCPRestartBackoff()
    ) async throws -> MCPToolSource {
        var connections: [MCPServerConnection] = []
        var tools: [MCPTool] = []
        do {
            for spec in specs {
                var childEnvironment = policy.childEnvironment(from: environment)
                for (key, value) in spec.env where !policy.secretNames.contains(key) {
                    childEnvironment[key] = value
                }
                let connection = MCPServerConnection(
                    spec: spec, environment: childEnvironment, logger: logger, backoff: backoff)
                connections.append(connection)
                try await connection.start(timeout: startTimeout)
                for listed in await connection.tools {
                    let tool = try MCPTool(listed, spec: spec, connection: connection)
                    guard CommandToolSpec.isValidFunctionName(tool.name) else {
                        throw MCPServerError(
                            "MCP server '\(spec.name)' offers tool '\(listed.name)', whose function name '\(tool.name)' "
                                + "is not 1 to 64 characters of a-z, A-Z, 0-9, '_' and '-'")
                    }
                    tools.append(tool)
                }
            }
        } catch {
            for connection in connections { await connection.shutdown() }
            throw error
        }
        return MCPToolSource(connections: connections, tools: tools)
    }

    /// Stops every server.
    public func shutdown() async {
        for connection in connections { await connection.shutdown() }
    }
}
