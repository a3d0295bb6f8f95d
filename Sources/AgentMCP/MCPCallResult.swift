/// How one call to an MCP server ended.
enum MCPCallResult: Sendable, Equatable {
    /// The server answered: its text, and whether it flagged the result as an error.
    case answered(text: String, isError: Bool)
    /// The call failed before an answer (the server exited, is restarting, or refused the request).
    case failed(String)
    /// No answer within the call's timeout.
    case timedOut
}
