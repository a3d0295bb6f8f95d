import AgentModel
import AgentTools
import TOMLKit

/// Reads the `[[tools.command]]` entries of the config file into command tool specs.
enum CommandToolConfig {
    /// The specs of `entries`; every problem is reported with the entry's key and line.
    static func read(_ entries: [TOMLTable], file: String, source: String) -> ([CommandToolSpec], [ConfigError]) {
        var specs: [CommandToolSpec] = []
        var errors: [ConfigError] = []
        for (index, table) in entries.enumerated() {
            let reader = ConfigReader(table: table, section: "tools.command", file: file, source: source, entry: index)
            let name = reader.string("name", default: "")
            let description = reader.string("description", default: "")
            let argv = reader.strings("argv", default: [])
            let idempotent = reader.bool("idempotent", default: false)
            let approval = reader.choice("approval", default: "never", allowed: ["never", "always"])
            let timeout = reader.int("timeout_ms", default: 0, range: 0...86_400_000)
            var parameters: JSONValue = ["type": "object", "properties": [:]]
            if let raw = reader.raw("parameters") {
                if let table = raw.table {
                    parameters = json(table)
                } else {
                    reader.problem("parameters", "must be a table holding a JSON schema of type \"object\"")
                }
            }
            let spec = CommandToolSpec(
                name: name, description: description, argv: argv, parameters: parameters, isIdempotent: idempotent,
                requiresApproval: approval == "always", timeout: timeout > 0 ? .milliseconds(timeout) : nil)
            if name.isEmpty { reader.problem("name", "is required") }
            if description.isEmpty { reader.problem("description", "is required (the model reads it)") }
            for problem in spec.problems() where !(name.isEmpty && problem.hasPrefix("name")) {
                reader.problem(problem.hasPrefix("name") ? "name" : problem.hasPrefix("argv") ? "argv" : "parameters", problem)
            }
            errors += reader.finish()
            if specs.contains(where: { $0.name == name }) {
                errors.append(ConfigError(file: file, line: nil, key: "tools.command[\(index)].name", message: "'\(name)' is defined twice"))
            }
            specs.append(spec)
        }
        return (specs, errors)
    }

    /// A TOML value as JSON (dates and times become their text).
    static func json(_ value: TOMLValueConvertible) -> JSONValue {
        if let table = value.table {
            var members: [String: JSONValue] = [:]
            for key in table.keys { if let member = table[key] { members[key] = json(member) } }
            return .object(members)
        }
        if let array = value.array { return .array(array.map { json($0) }) }
        if let string = value.string { return .string(string) }
        if let bool = value.bool { return .bool(bool) }
        if let int = value.int { return .number(Double(int)) }
        if let double = value.double { return .number(double) }
        return .string(String(describing: value))
    }
}
