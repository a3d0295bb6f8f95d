/// One `[[mcp.servers]]` entry: a Model Context Protocol server agentd starts as a child process and talks to over
/// its stdin and stdout; its tools are offered to the model as `<name>__<tool>`.
public struct MCPServerSpec: Sendable, Hashable {
    /// The server's name, the prefix of its tools' function names.
    public var name: String
    /// The program to run (a path, or a name looked up in `PATH`).
    public var command: String
    /// The program's arguments.
    public var args: [String]
    /// Variables added to the allow-listed environment (never a configured secret such as `OPENAI_API_KEY`).
    public var env: [String: String]
    /// Wall-clock limit of one call; the daemon's `tools.timeout_ms` when `nil`.
    public var timeout: Duration?
    /// Whether every call to this server's tools waits for a person's approval.
    public var requiresApproval: Bool

    /// Creates a spec.
    public init(
        name: String, command: String, args: [String] = [], env: [String: String] = [:],
        timeout: Duration? = nil,
        requiresApproval: Bool = false
    ) {
        self.name = name
        self.command = command
        self.args = args
        self.env = env
        self.timeout = timeout
        self.requiresApproval = requiresApproval
    }

    /// The separator between server and tool in a function name. The Responses API allows only
    /// `^[a-zA-Z0-9_-]{1,64}$` in function names, so the MCP convention `server.tool` would be refused upstream.
    public static let separator = "__"

    /// The function name the model calls for `tool` of this server.
    public func functionName(for tool: String) -> String { name + Self.separator + tool }

    /// Problems that make the spec unusable (each a sentence), or none.
    public func problems() -> [String] {
        var problems: [String] = []
        let allowed = name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                true
            default: false
            }
        }
        if name.isEmpty || name.utf8.count > 32 || !allowed {
            problems.append(
                "name '\(name)' must be 1 to 32 characters of a-z, A-Z, 0-9 and '-' (no '_' or '.')")
        }
        if command.isEmpty { problems.append("command must name a program") }
        return problems
    }
}
