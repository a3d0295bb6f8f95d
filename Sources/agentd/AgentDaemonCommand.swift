import AgentModel
import ArgumentParser
import Foundation

/// `agentd`: the daemon.
@main
struct AgentDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agentd",
        abstract: "Run agent loops over pooled Responses API WebSocket sessions, with a durable ledger.",
        discussion: """
            Environment: OPENAI_API_KEY (the upstream key), OPENAI_BASE_URL (e.g. http://127.0.0.1:8080/v1, \
            used as ws://127.0.0.1:8080/v1/responses), AGENTD_SOCKET (the control socket).
            """,
        version: AgentVersion.current
    )

    @Option(
        help: """
            Configuration file (TOML). Default: the first of $XDG_CONFIG_HOME/agentd/agentd.toml, \
            ~/.config/agentd/agentd.toml and /etc/agentd/agentd.toml that exists, else built-in defaults.
            """)
    var config: String?

    @Option(help: "Control socket path (overrides $AGENTD_SOCKET and daemon.socket).")
    var socket: String?

    @Option(name: .customLong("state-dir"), help: "Directory of the ledger (overrides daemon.state_dir).")
    var stateDir: String?

    @Flag(
        name: .customLong("check-config"),
        help: "Validate the configuration file (`--check-config FILE`, or the --config / default file) and exit.")
    var checkConfig = false

    @Argument(help: "With --check-config: the file to validate.")
    var checkedFile: String?

    @Option(
        name: .customLong("replay"),
        help: "Rebuild a run's state offline from an export (`agentctl export RUN > run.jsonl`), print it as JSON and exit.")
    var replay: String?

    func validate() throws {
        if checkedFile != nil && !checkConfig {
            throw ValidationError("a file argument is only taken by --check-config; give the daemon's file with --config")
        }
        if let checkedFile, let config, checkedFile != config {
            throw ValidationError("--check-config \(checkedFile) and --config \(config) name different files")
        }
    }

    func run() async throws {
        if let replay {
            try OfflineReplay.run(path: replay)
            return
        }
        let configPath =
            checkedFile ?? config
            ?? DefaultLocations.configFile(environment: ProcessInfo.processInfo.environment) {
                FileManager.default.fileExists(atPath: $0)
            }
        let configuration: DaemonConfiguration
        do {
            configuration = try configPath.map(DaemonConfiguration.load(path:)) ?? DaemonConfiguration()
        } catch let errors as ConfigErrors {
            FileHandle.standardError.write(Data("agentd: invalid configuration:\n\(errors)\n".utf8))
            throw ExitCode(78)
        }
        if checkConfig {
            print("configuration ok\(configPath.map { ": \($0)" } ?? " (defaults)")")
            return
        }
        var environment = ProcessInfo.processInfo.environment
        // The key stays in `environment` (this process's memory) for the daemon; the block tools could read is wiped.
        ProcessHardening.apply()
        let activation: SocketActivation?
        do {
            activation = try SocketActivation.take(environment: &environment)
        } catch let error as DaemonError {
            FileHandle.standardError.write(Data("agentd: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let uid = getuid()
        let paths = DaemonPaths(
            // A passed socket wins: it is where systemd listens for clients.
            socket: activation?.path ?? socket ?? environment["AGENTD_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
                ?? configuration.daemon.socket ?? DefaultLocations.socketPath(environment: environment, uid: uid),
            stateDirectory: stateDir ?? configuration.daemon.stateDir
                ?? DefaultLocations.stateDirectory(environment: environment, uid: uid))
        do {
            try await Daemon(
                configuration: configuration, paths: paths, environment: environment, configPath: configPath,
                activation: activation
            ).run()
        } catch let error as DaemonError {
            FileHandle.standardError.write(Data("agentd: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// Where this daemon's socket and ledger are.
struct DaemonPaths {
    var socket: String
    var stateDirectory: String
    var ledger: String { stateDirectory + "/agentd.sqlite" }
}
