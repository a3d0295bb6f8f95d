/// Read-only queries over a chain's items (input items of every turn plus output items), in order.
enum Conversation {
    /// The item type; an input message given as `{"role":…,"content":…}` without `type` counts as `message`.
    static func type(of item: JSONValue) -> String? {
        if let type = item["type"]?.stringValue { return type }
        return item["role"] != nil ? "message" : nil
    }

    /// The item type that answers each tool-call item type the client runs.
    static let outputTypeOfCall = [
        "function_call": "function_call_output", "shell_call": "shell_call_output",
        "apply_patch_call": "apply_patch_call_output", "custom_tool_call": "custom_tool_call_output",
    ]

    /// The item types that answer a tool call.
    static let callOutputTypes = Set(outputTypeOfCall.values)

    /// The items of the built-in types agentd-style clients run (`shell_call`, `apply_patch_call`) and their
    /// outputs, in order.
    static func nativeOutputs(_ items: [JSONValue]) -> [JSONValue] {
        items.filter { ["shell_call_output", "apply_patch_call_output"].contains(type(of: $0)) }
    }

    /// The `call_id`s of all `function_call` items, in order.
    static func functionCallIDs(_ items: [JSONValue]) -> [String] {
        items.compactMap { type(of: $0) == "function_call" ? $0["call_id"]?.stringValue : nil }
    }

    /// The `function_call_output` items, in order.
    static func functionCallOutputs(_ items: [JSONValue]) -> [JSONValue] {
        items.filter { type(of: $0) == "function_call_output" }
    }

    /// The text of the last user message, or nil when there is none.
    static func lastUserText(_ items: [JSONValue]) -> String? {
        for item in items.reversed() where type(of: item) == "message" && item["role"]?.stringValue == "user" {
            return text(of: item["content"])
        }
        return nil
    }

    /// Flattens content (a string, or an array of parts with `text`) to one string.
    static func text(of content: JSONValue?) -> String {
        switch content {
        case .string(let s)?:
            return s
        case .array(let parts)?:
            return parts.compactMap { $0["text"]?.stringValue }.joined()
        default:
            return ""
        }
    }

    /// Rough token count of some items (4 UTF-8 bytes per token, at least 1 per item).
    static func tokenEstimate(_ items: [JSONValue]) -> Int {
        items.reduce(0) { $0 + max(1, $1.serialized.utf8.count / 4) }
    }
}
