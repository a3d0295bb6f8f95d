import AgentModel

/// The `[run] tool_format` setting: a ``ToolFormat``, or `auto` to choose one from the run's model.
public enum ToolFormatChoice: String, Sendable, Hashable, CaseIterable {
    /// Native for models whose name starts with one of the configured prefixes, function otherwise.
    case auto
    case native
    case function

    /// The model-name prefixes `auto` treats as trained on the built-in `shell` and `apply_patch` types.
    public static let defaultNativeModels = ["gpt-5"]

    /// The format of a run of `model`.
    ///
    /// - Parameter nativeModels: the name prefixes of models `auto` offers native tools to (`[run]
    ///   native_tool_models`).
    public func resolve(model: String, nativeModels: [String]) -> ToolFormat {
        switch self {
        case .native: .native
        case .function: .function
        case .auto: nativeModels.contains { !$0.isEmpty && model.hasPrefix($0) } ? .native : .function
        }
    }
}
