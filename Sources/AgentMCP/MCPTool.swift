import AgentModel
import AgentTools
import MCP

/// One tool of an MCP server offered to the model as `<server>__<tool>`; a call is routed to the server under the
/// daemon's timeout and output caps. The engine journals it (tool.started/tool.finished) like any built-in.
public struct MCPTool: AgentTools.Tool {
    /// The server that runs the tool.
    public let connection: MCPServerConnection
    /// The function name the model calls.
    public let name: String
    /// The tool's name on its server.
    public let remoteName: String
    /// The function-tool definition sent upstream (the server's description and input schema).
    public let definition: JSONValue
    /// True only when the server's annotations say `idempotentHint` or `readOnlyHint`.
    public let isIdempotent: Bool
    /// The call's timeout when set; the daemon's `tools.timeout_ms` otherwise.
    public let timeout: Duration?

    /// Creates the tool for `tool` as listed by `connection`'s server.
    public init(_ tool: MCP.Tool, spec: MCPServerSpec, connection: MCPServerConnection) throws {
        self.connection = connection
        self.remoteName = tool.name
        self.name = spec.functionName(for: tool.name)
        var parameters = try MCPValueBridge.jsonValue(tool.inputSchema)
        if parameters["type"]?.stringValue != "object" {
            parameters = ["type": "object", "properties": [:]]
        }
        self.definition = [
            "type": "function",
            "name": .string(name),
            "description": .string(
                tool.description ?? tool.title ?? "MCP tool \(tool.name) of \(spec.name)"),
            "parameters": parameters,
            // MCP schemas rarely satisfy strict mode (every property required, no extra keys); the server checks.
            "strict": false,
        ]
        self.isIdempotent =
            tool.annotations.idempotentHint == true || tool.annotations.readOnlyHint == true
        self.timeout = spec.timeout
    }

    public func run(arguments: String, context: ToolContext) async -> ToolOutcome {
        let started = ContinuousClock.now
        guard let value = try? JSONValue.parse(arguments), case .object = value,
            case .object(let members)? = try? MCPValueBridge.mcpValue(value)
        else {
            return MCPToolOutcome.error(
                "invalid arguments: arguments must be a JSON object", since: started)
        }
        let limit = min(timeout ?? context.limits.defaultTimeout, context.limits.maxTimeout)
        let result = await connection.call(tool: remoteName, arguments: members, timeout: limit)
        return MCPToolOutcome.make(
            result, limits: context.limits.capture, timeout: limit, since: started)
    }
}
