import AgentTools
import Logging
import Synchronization

/// The parts of the configuration that a reload (SIGHUP) changes in a running daemon: the log level, the tool
/// limits and environment, and the defaults of new runs (model, tools, instructions, tool format).
///
/// Readers take a snapshot per use: a tool call keeps the limits it started under, a run keeps the model it
/// started with; only what starts after a reload sees the new values.
final class LiveSettings: Sendable {
    private struct State {
        var configuration: DaemonConfiguration
        var tools: BuiltinTools
    }

    let logLevel: LogLevelSetting
    private let state: Mutex<State>
    private let makeTools: @Sendable (DaemonConfiguration) -> BuiltinTools

    init(
        configuration: DaemonConfiguration, logLevel: LogLevelSetting,
        makeTools: @escaping @Sendable (DaemonConfiguration) -> BuiltinTools
    ) {
        self.logLevel = logLevel
        self.makeTools = makeTools
        state = Mutex(State(configuration: configuration, tools: makeTools(configuration)))
    }

    /// The configuration applied last (its restart-only keys may not be in effect).
    var configuration: DaemonConfiguration { state.withLock { $0.configuration } }

    /// The tool executor new tool calls use.
    var tools: BuiltinTools { state.withLock { $0.tools } }

    /// Defaults for runs started from now on.
    var runDefaults: DaemonConfiguration.Run { state.withLock { $0.configuration.run } }

    /// Applies the live keys of `configuration`.
    func apply(_ configuration: DaemonConfiguration) {
        let tools = makeTools(configuration)
        state.withLock { state in
            state.configuration = configuration
            state.tools = tools
        }
        logLevel.set(Logger.Level(rawValue: configuration.daemon.logLevel) ?? .info)
    }
}
