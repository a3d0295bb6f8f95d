/// The Responses API item type a tool call came as; the output sent back has the matching type.
///
/// `function_call` is how function tools are called; `shell_call` and `apply_patch_call` are the built-in `shell`
/// and `apply_patch` tool types GPT-5.x models are trained on (offered with `tool_format = "native"`).
/// `custom_tool_call` calls a `custom` tool: agentd offers none, so such a call is always refused (answered with an
/// error, never run), instead of failing the turn.
public enum ToolCallKind: String, Codable, Hashable, Sendable, CaseIterable {
    case function = "function_call"
    case shell = "shell_call"
    case applyPatch = "apply_patch_call"
    case custom = "custom_tool_call"

    /// The type of the item that answers a call of this kind.
    public var outputType: String {
        switch self {
        case .function: "function_call_output"
        case .shell: "shell_call_output"
        case .applyPatch: "apply_patch_call_output"
        case .custom: "custom_tool_call_output"
        }
    }

    /// The agentd tool that runs a call of this kind: fixed for the built-in types, the item's `name` otherwise.
    public var toolName: String? {
        switch self {
        case .function, .custom: nil
        case .shell: "shell"
        case .applyPatch: "apply_patch"
        }
    }

    /// The member of the call item that holds what the tool runs: `arguments`, `action`, `operation` or `input`.
    public var inputMember: String {
        switch self {
        case .function: "arguments"
        case .shell: "action"
        case .applyPatch: "operation"
        case .custom: "input"
        }
    }

    /// The item types that answer a tool call, for ordering a request's input.
    public static let outputTypes: Set<String> = Set(allCases.map(\.outputType))
}
