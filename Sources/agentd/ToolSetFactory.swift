import AgentTools

/// Builds the daemon's tool executor from the configuration: the built-ins plus the `[[tools.command]]` tools.
enum ToolSetFactory {
    /// The executor for `configuration` (rebuilt on reload); child environments are filtered from `environment`.
    static func make(_ configuration: DaemonConfiguration, environment: [String: String]) -> BuiltinTools {
        let limits = Daemon.toolLimits(for: configuration)
        let commands: [any Tool] = configuration.tools.commands.map { CommandTool(spec: $0) }
        return BuiltinTools(
            limits: limits, tools: BuiltinTools.standardTools(limits: limits) + commands, baseEnvironment: environment)
    }

    /// Names of configured tools whose every call waits for approval.
    static func alwaysApproved(_ configuration: DaemonConfiguration) -> [String] {
        configuration.tools.commands.filter(\.requiresApproval).map(\.name)
    }
}
