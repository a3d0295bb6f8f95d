import AgentModel

/// A named tool from the config (`[[tools.command]]`): a fixed program and arguments with placeholders filled from
/// the model's JSON arguments, run directly (no shell), e.g. `pytest -q {path}` exposed as `run_tests`.
public struct CommandToolSpec: Sendable, Hashable {
    /// The function name the model calls.
    public var name: String
    /// What the tool does, for the model.
    public var description: String
    /// The program and its arguments; an element `{param}` is replaced by that parameter's value (an array value
    /// becomes several arguments; a missing optional parameter without a default drops the element), and
    /// `{param}` inside a longer element is replaced in place. `{{` and `}}` are literal braces.
    public var argv: [String]
    /// The JSON schema of the arguments (an object schema with `properties`, `required`, per-property `default`).
    public var parameters: JSONValue
    /// Whether running a call twice is harmless (drives crash recovery: re-run, or ask a person).
    public var isIdempotent: Bool
    /// Whether every call waits for a person's approval.
    public var requiresApproval: Bool
    /// Wall-clock limit of one call; the daemon's `tools.timeout_ms` when `nil`.
    public var timeout: Duration?

    /// Creates a spec.
    public init(
        name: String, description: String, argv: [String], parameters: JSONValue = ["type": "object", "properties": [:]],
        isIdempotent: Bool = false, requiresApproval: Bool = false, timeout: Duration? = nil
    ) {
        self.name = name
        self.description = description
        self.argv = argv
        self.parameters = parameters
        self.isIdempotent = isIdempotent
        self.requiresApproval = requiresApproval
        self.timeout = timeout
    }

    /// Problems that make the spec unusable (each a sentence), or none.
    public func problems() -> [String] {
        var problems: [String] = []
        if !Self.isValidFunctionName(name) {
            problems.append("name '\(name)' must be 1 to 64 characters of a-z, A-Z, 0-9, '_' and '-'")
        }
        if argv.isEmpty || argv[0].isEmpty { problems.append("argv must name a program") }
        guard case .object = parameters, parameters["type"]?.stringValue == "object" else {
            return problems + ["parameters must be a JSON schema of type \"object\""]
        }
        let known = Set(parameters["properties"]?.objectKeys ?? [])
        for element in argv {
            switch ArgvTemplate.placeholders(in: element) {
            case .success(let names):
                for placeholder in names where !known.contains(placeholder) {
                    problems.append("argv uses {\(placeholder)}, which is not in parameters.properties")
                }
            case .failure(let error):
                problems.append("argv element '\(element)': \(error.message)")
            }
        }
        return problems
    }

    /// The Responses API accepts function names matching `^[a-zA-Z0-9_-]{1,64}$`.
    public static func isValidFunctionName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                    true
                default: false
                }
            }
    }
}

extension JSONValue {
    /// The keys of an object, sorted; `nil` for anything else.
    var objectKeys: [String]? {
        guard case .object(let members) = self else { return nil }
        return members.keys.sorted()
    }
}
