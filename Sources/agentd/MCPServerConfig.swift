import AgentMCP
import AgentTools
import TOMLKit

/// Reads the `[[mcp.servers]]` entries of the config file into MCP server specs.
enum MCPServerConfig {
    /// The specs of `entries`; every problem is reported with the entry's key and line.
    static func read(_ entries: [TOMLTable], file: String, source: String) -> (
        [MCPServerSpec], [ConfigError]
    ) {
        var specs: [MCPServerSpec] = []
        var errors: [ConfigError] = []
        for (index, table) in entries.enumerated() {
            let reader = ConfigReader(
                table: table, section: "mcp.servers", file: file, source: source, entry: index)
            let name = reader.string("name", default: "")
            let command = reader.string("command", default: "")
            let args = reader.strings("args", default: [])
            let timeout = reader.int("timeout_ms", default: 0, range: 0...86_400_000)
            let approval = reader.choice("approval", default: "never", allowed: ["never", "always"])
            var env: [String: String] = [:]
            if let raw = reader.raw("env") {
                if let table = raw.table {
                    for key in table.keys {
                        if let value = table[key]?.string {
                            env[key] = value
                        } else {
                            reader.problem("env", "value of \(key) must be a string")
                        }
                    }
                } else {
                    reader.problem("env", "must be a table of strings, e.g. env = { LOG_LEVEL = \"debug\" }")
                }
            }
            for key in env.keys where EnvironmentPolicy.defaultSecretNames.contains(key) {
                reader.problem("env", "must not pass \(key) to an MCP server")
            }
            let spec = MCPServerSpec(
                name: name, command: command, args: args, env: env,
                timeout: timeout > 0 ? .milliseconds(timeout) : nil,
                requiresApproval: approval == "always")
            if name.isEmpty { reader.problem("name", "is required") }
            if command.isEmpty { reader.problem("command", "is required") }
            for problem in spec.problems() where !(name.isEmpty && problem.hasPrefix("name")) {
                if !(command.isEmpty && problem.hasPrefix("command")) {
                    reader.problem(problem.hasPrefix("name") ? "name" : "command", problem)
                }
            }
            errors += reader.finish()
            if !name.isEmpty && specs.contains(where: { $0.name == name }) {
                errors.append(
                    ConfigError(
                        file: file, line: nil, key: "mcp.servers[\(index)].name",
                        message: "'\(name)' is defined twice"))
            }
            specs.append(spec)
        }
        return (specs, errors)
    }
}
