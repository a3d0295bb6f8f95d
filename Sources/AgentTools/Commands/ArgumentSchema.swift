import AgentModel

/// Checks a call's arguments against a command tool's JSON schema (the subset a command line needs: `properties`
/// with `type` string, integer, number, boolean or array of those, `enum`, `required`, `default`), and fills
/// defaults. Unknown arguments are refused so a typo is reported, not ignored.
struct ArgumentSchema {
    let schema: JSONValue

    /// The arguments with defaults filled in, or why they are refused.
    func validate(_ arguments: [String: JSONValue]) throws(ArgumentError) -> [String: JSONValue] {
        let properties: [String: JSONValue]
        if case .object(let members)? = schema["properties"] { properties = members } else { properties = [:] }
        if let unknown = arguments.keys.sorted().first(where: { properties[$0] == nil }) {
            throw ArgumentError("unknown argument '\(unknown)'")
        }
        var values = arguments
        let required = (schema["required"]?.arrayValue ?? []).compactMap(\.stringValue)
        for name in properties.keys.sorted() {
            let property = properties[name] ?? .null
            if values[name] == nil || values[name] == .null {
                if let fallback = property["default"] {
                    values[name] = fallback
                } else if required.contains(name) {
                    throw ArgumentError("'\(name)' is required")
                } else {
                    continue
                }
            }
            try check(values[name] ?? .null, against: property, name: name)
        }
        return values
    }

    private func check(_ value: JSONValue, against property: JSONValue, name: String) throws(ArgumentError) {
        if let allowed = property["enum"]?.arrayValue, !allowed.contains(value) {
            throw ArgumentError("'\(name)' must be one of \(JSONValue.array(allowed).serialized)")
        }
        guard let type = property["type"]?.stringValue else { return }
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("number", .number): return
        case ("integer", .number(let number)) where number.rounded() == number: return
        case ("array", .array(let items)):
            let itemSchema = property["items"] ?? .object([:])
            for item in items { try check(item, against: itemSchema, name: name + "[]") }
        default:
            throw ArgumentError("'\(name)' must be \(type == "integer" ? "an integer" : "a \(type)")")
        }
    }
}
