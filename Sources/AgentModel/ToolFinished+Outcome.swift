extension ToolFinished {
    /// Why the call never ran (its program or working directory missing, its arguments refused): the message of
    /// the `{"error": …}` output agentd's tools answer with then; `nil` for a call that ran.
    public var launchError: String? {
        // Only such an output is parsed: the reducer reads every `tool.finished`, and outputs can be large.
        guard exitCode == nil, !timedOut, output.hasPrefix(#"{"error":"#),
            case .object(let members)? = try? JSONValue.parse(output), members.count == 1
        else { return nil }
        return members["error"]?.stringValue
    }

    /// The signal that killed the call's process (`SIGTERM`), as the shell and command tools report it.
    public var signal: String? {
        guard exitCode == nil, output.contains(#""signal":"#) else { return nil }
        return (try? JSONValue.parse(output))?["signal"]?.stringValue
    }
}
