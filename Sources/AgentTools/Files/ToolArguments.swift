import AgentModel

/// A call's arguments as a JSON object, read with the error messages every tool shares.
struct ToolArguments {
    private let members: [String: JSONValue]

    /// Parses `text`; fails on anything but a JSON object and on members not in `allowed`.
    init(parsing text: String, allowed: Set<String>) throws {
        switch ToolOutput.object(from: text) {
        case .success(let value): members = value
        case .failure(let error): throw error
        }
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw ArgumentError("unknown argument '\(unknown)'")
        }
    }

    /// The string `key`, or `nil` when it is missing or `null`.
    func optionalString(_ key: String) throws -> String? {
        switch members[key] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw ArgumentError("'\(key)' must be a string")
        }
    }

    /// The string `key`, which must be present.
    func string(_ key: String) throws -> String {
        guard let value = try optionalString(key) else { throw ArgumentError("'\(key)' must be a string") }
        return value
    }

    /// The string `key` as a path: present and not empty.
    func path(_ key: String = "path") throws -> String {
        let value = try string(key)
        guard !value.isEmpty else { throw ArgumentError("'\(key)' must not be empty") }
        guard !value.utf8.contains(0) else { throw ArgumentError("'\(key)' must not contain NUL characters") }
        return value
    }

    /// The integer `key` (at least `minimum`), or `nil` when it is missing or `null`.
    func optionalInteger(_ key: String, minimum: Int) throws -> Int? {
        switch members[key] {
        case nil, .null?: return nil
        case .number(let value)? where value.rounded() == value && value >= Double(minimum) && value < 1e15:
            return Int(value)
        default: throw ArgumentError("'\(key)' must be an integer of at least \(minimum)")
        }
    }
}
