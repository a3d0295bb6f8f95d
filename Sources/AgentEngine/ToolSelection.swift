import AgentModel

/// Which tools a run gets: a base set (the run's explicit list, else the daemon's `run.tools`), plus the tools a
/// client adds (`agentctl start --tool NAME`), minus those it removes (`--no-tool NAME`).
public enum ToolSelection {
    /// The run's tool names, in order: the base set, then the added ones not already in it; removed names win.
    ///
    /// - Parameters:
    ///   - base: the explicit list of the request, or the configured default.
    ///   - adding: names added on top of `base`.
    ///   - removing: names taken out (a name both added and removed is removed).
    public static func resolve(base: [String], adding: [String], removing: [String]) -> [String] {
        let removed = Set(removing)
        var seen: Set<String> = []
        var result: [String] = []
        for name in base + adding where !removed.contains(name) && seen.insert(name).inserted {
            result.append(name)
        }
        return result
    }

    /// The `tools` entries a run offers upstream: the function definitions of its tools, in order, except that a
    /// native run offers `shell` and `apply_patch` as the built-in Responses tool types.
    ///
    /// - Parameters:
    ///   - definitions: the function definitions of the run's tools (``ToolExecutor/definitions(for:)``).
    ///   - format: the run's ``ToolFormat``.
    public static func offered(_ definitions: [JSONValue], format: ToolFormat) -> [JSONValue] {
        guard format == .native else { return definitions }
        return definitions.map { definition in
            definition["name"]?.stringValue.flatMap(nativeDefinition(of:)) ?? definition
        }
    }

    /// The built-in tool type that stands for the agentd tool `name` in a native run, if it has one.
    static func nativeDefinition(of name: String) -> JSONValue? {
        switch name {
        case ToolCallKind.shell.toolName: ["type": "shell", "environment": ["type": "local"]]
        case ToolCallKind.applyPatch.toolName: ["type": "apply_patch"]
        default: nil
        }
    }
}
