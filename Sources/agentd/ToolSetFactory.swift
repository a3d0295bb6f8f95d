import AgentTools

/// Builds the daemon's tool executor from the configuration: the built-ins plus the `[[tools.command]]` tools.
enum ToolSetFactory {
    /// The executor for `configuration` (rebuilt on reload); child environments are filtered from `environment`.
    /// `extraTools` (the MCP servers' tools, listed once at start-up) follow the command tools; `sandboxProbe` is
    /// the start-up probe of bubblewrap and `hiding` what it shows empty (see ``Daemon/toolLimits(for:sandboxProbe:hiding:)``).
    static func make(
        _ configuration: DaemonConfiguration, environment: [String: String], extraTools: [any Tool] = [],
        sandboxProbe: Result<BubblewrapSandbox, SandboxUnavailable>? = nil, hiding: [String] = []
    ) -> BuiltinTools {
        let limits = Daemon.toolLimits(for: configuration, sandboxProbe: sandboxProbe, hiding: hiding)
        let commands: [any Tool] = configuration.tools.commands.map { CommandTool(spec: $0) }
        return BuiltinTools(
            limits: limits, tools: BuiltinTools.standardTools(limits: limits) + commands + extraTools,
            baseEnvironment: environment)
    }

    /// Names of tools whose every call waits for approval in every run: `[run] require_approval`, then the
    /// `[[tools.command]]` tools with `approval = "always"`.
    static func alwaysApproved(_ configuration: DaemonConfiguration) -> [String] {
        var names = configuration.run.requireApproval
        for name in configuration.tools.commands.filter(\.requiresApproval).map(\.name) where !names.contains(name) {
            names.append(name)
        }
        return names
    }
}
