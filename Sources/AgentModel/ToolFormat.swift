/// How a run offers its `shell` and `apply_patch` tools upstream, fixed when the run starts (`run.started`).
///
/// `native` offers them as the built-in Responses tool types (`{"type": "shell", …}`, `{"type": "apply_patch"}`),
/// which GPT-5.x models are trained on: the model answers with `shell_call` and `apply_patch_call` items.
/// `function` offers them as function tools: the model answers with `function_call` items. Every other tool is a
/// function tool either way.
public enum ToolFormat: String, Codable, Hashable, Sendable, CaseIterable {
    case native
    case function

    /// The item type a call of the agentd tool `name` must come as in a run of this format.
    public func expectedKind(forTool name: String) -> ToolCallKind {
        guard self == .native else { return .function }
        return ToolCallKind.allCases.first { $0.toolName == name } ?? .function
    }
}
