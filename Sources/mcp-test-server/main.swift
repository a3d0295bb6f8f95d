import AgentMCP
import Foundation
import Logging
import MCP

// A small MCP server for agentd's tests and benchmark, speaking MCP over stdin/stdout with the SDK's own
// Server and StdioTransport: `echo` (read-only) returns its `text`, `add` sums `a` and `b`, `fail` answers with
// an error result, `sleep` answers after `ms` milliseconds, and `crash` exits the process without answering.
// With `--pipe-transport` it reads stdin with AgentMCP's blocking pipe transport instead of the SDK's
// StdioTransport, which polls with 10 ms sleeps (the mcp-roundtrip benchmark reports both).

let tools = [
    Tool(
        name: "echo", description: "Return the text unchanged.",
        inputSchema: [
            "type": "object",
            "properties": [
                "text": ["type": "string", "description": "What to echo.", "default": "hello from mcp"]
            ],
        ],
        annotations: .init(readOnlyHint: true)),
    Tool(
        name: "add", description: "Add two integers.",
        inputSchema: [
            "type": "object",
            "properties": [
                "a": ["type": "integer", "default": 2], "b": ["type": "integer", "default": 3],
            ],
        ]),
    Tool(name: "fail", description: "Answer with an error result.", inputSchema: ["type": "object"]),
    Tool(
        name: "sleep", description: "Answer after ms milliseconds.",
        inputSchema: ["type": "object", "properties": ["ms": ["type": "integer", "default": 100]]]),
    Tool(
        name: "crash", description: "Exit the server process at once.", inputSchema: ["type": "object"]),
]

let server = Server(
    name: "mcp-test-server", version: "1.0", capabilities: .init(tools: .init(listChanged: false)))
_ = await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: tools) }
_ = await server.withMethodHandler(CallTool.self) { params in
    let arguments = params.arguments ?? [:]
    switch params.name {
    case "echo":
        let text = arguments["text"]?.stringValue ?? "hello from mcp"
        return CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)])
    case "add":
        let sum = (arguments["a"]?.intValue ?? 2) + (arguments["b"]?.intValue ?? 3)
        return CallTool.Result(content: [.text(text: "\(sum)", annotations: nil, _meta: nil)])
    case "fail":
        return CallTool.Result(
            content: [.text(text: "this tool always fails", annotations: nil, _meta: nil)], isError: true)
    case "sleep":
        try await Task.sleep(for: .milliseconds(arguments["ms"]?.intValue ?? 100))
        return CallTool.Result(content: [.text(text: "slept", annotations: nil, _meta: nil)])
    case "crash":
        exit(3)
    default:
        throw MCPError.invalidParams("unknown tool \(params.name)")
    }
}
let logger = Logger(label: "mcp-test-server", factory: { _ in SwiftLogNoOpLogHandler() })
if CommandLine.arguments.contains("--pipe-transport") {
    try await server.start(transport: MCPPipeTransport(readFD: 0, writeFD: 1, logger: logger))
} else {
    try await server.start(transport: StdioTransport(logger: logger))
}
await server.waitUntilCompleted()
