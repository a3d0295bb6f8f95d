/// A failure to start or reach an MCP server; the message says which server and why.
struct MCPServerError: Error, CustomStringConvertible, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
