import AgentControl
import AgentEngine
import AgentLedger
import AgentModel
import AgentTools
import AgentUpstream
import CAgentSupport
import Foundation
import Logging
import ServiceLifecycle

/// Wires the modules together and runs them as one service group until SIGTERM or SIGINT.
struct Daemon {
    let configuration: DaemonConfiguration
    let paths: DaemonPaths
    let environment: [String: String]
    /// The configuration file, re-read on SIGHUP.
    var configPath: String? = nil
    /// The listening socket passed by systemd, served instead of binding `paths.socket`.
    var activation: SocketActivation? = nil

    func run() async throws {
        let logLevel = LogLevelSetting(Logger.Level(rawValue: configuration.daemon.logLevel) ?? .info)
        let journal = JournalLogHandler.isJournal(fd: 2, environment: environment)
        LoggingSystem.bootstrap { label in JournalLogHandler(label: label, journal: journal, level: logLevel) }
        let logger = Logger(label: "agentd")
        // Tool processes that escape their group (setsid, double forks) are re-parented here, not to init, so
        // the tool runtime can find, kill and reap them (see EscapeContainment).
        _ = agent_set_child_subreaper()
        // ...and reaped here once they exit: unreaped, they would pile up as zombies until nothing can fork.
        do {
            try ChildReaper.shared.start()
        } catch {
            throw DaemonError("\(error)")
        }

        let apiKey = try APIKeySource.resolve(environment: environment, keyFile: configuration.upstream.apiKeyFile)
        let upstreamConfiguration = try makeUpstreamConfiguration(apiKey: apiKey)
        try prepareStateDirectory(logger: logger)
        // Before the ledger opens: recovery must never touch runs another live daemon drives.
        try StateDirectoryLock.acquire(stateDirectory: paths.stateDirectory, socketPath: paths.socket)

        let metrics = MetricsExporter()
        metrics.bootstrap()
        let hub = EventHub()
        let sessionDirectory = LedgerSessionDirectory.prepare(socketPath: paths.socket)
        if activation == nil, case .failure(let problem) = sessionDirectory {
            // The control server would refuse the same directory; say so once, before the ledger opens.
            throw problem
        }
        if case .failure(let problem) = sessionDirectory {
            logger.warning(
                "no ledger session marker: every unclean exit costs a full check", metadata: ["reason": "\(problem)"])
        }
        let ledger: Ledger
        do {
            ledger = try Ledger(
                path: paths.ledger, sync: LedgerSync(rawValue: configuration.ledger.sync) ?? .full,
                sessionMarkerDirectory: try? sessionDirectory.get(),
                observer: { events in
                    hub.publish(events)
                    metrics.committed(events.count)
                })
        } catch {
            throw DaemonError("cannot open the ledger: \(error)")
        }
        defer { ledger.close() }
        logger.info("ledger opened", metadata: ["path": "\(paths.ledger)", "integrity_check": "\(ledger.openCheck.rawValue)"])

        let upstream = AutoUpstream(configuration: upstreamConfiguration, logger: logger)
        // Probed once: `auto` (the default) then runs tools in bubblewrap, whose private pid namespace hides the
        // daemon from them, wherever it works, and a reload can switch to it without probing again.
        let sandboxProbe = await BubblewrapSandbox.probe()
        if case .failure(let unavailable) = sandboxProbe {
            if configuration.tools.sandbox == SandboxChoice.bwrap.rawValue {
                throw DaemonError("tools.sandbox = \"bwrap\" cannot be used here: \(unavailable.reason)")
            }
            if configuration.tools.sandbox == SandboxChoice.auto.rawValue {
                logger.warning(
                    "tools run without the bwrap sandbox: they can see the daemon's processes",
                    metadata: ["reason": "\(unavailable.reason)"])
            }
        }
        // Tools and MCP servers get a filtered copy of this; the key is never one of its names.
        let environment = environment.filter { !ProcessHardening.secretVariables.contains($0.key) }
        // Empty inside the sandbox: the ledger holds every run's prompts and outputs, the socket controls every run.
        let hidden = [paths.stateDirectory, (paths.socket as NSString).deletingLastPathComponent]
        let mcp = try await startMCPServers(logger: logger)
        let mcpTools: [any Tool] = mcp.tools
        let live = LiveSettings(configuration: configuration, logLevel: logLevel) {
            ToolSetFactory.make(
                $0, environment: environment, extraTools: mcpTools, sandboxProbe: sandboxProbe, hiding: hidden)
        }
        let tools = ReloadableTools(live: live)
        let manager = RunManager(
            store: ledger, upstream: upstream, tools: tools, hub: hub,
            configuration: engineConfiguration(
                ledger: ledger, alsoApproved: Self.mcpAlwaysApproved(mcp, configuration: configuration)),
            logger: logger)
        var backend = EngineControlBackend(
            manager: manager, ledger: ledger, upstream: upstream, stateDirectory: paths.stateDirectory,
            metrics: MetricsSource(exporter: metrics, hub: hub, ledgerPath: paths.ledger))
        backend.live = live
        if case .failure(let unavailable) = sandboxProbe { backend.sandboxUnavailable = unavailable.reason }
        let server = ControlServer(
            socketPath: paths.socket, backend: backend, configuration: controlConfiguration(), logger: logger,
            inheritedListener: activation?.descriptor)
        do {
            try await server.start()
        } catch {
            throw DaemonError("\(error)")
        }

        let recovered = try await manager.recoverCrashedRuns()
        let notifier = SystemdNotifier(environment: environment)
        let reloader = ConfigReloader(path: configPath, live: live, notifier: notifier, logger: logger) {
            await upstream.pool.setConnections($0)
        }
        let group = ServiceGroup(
            configuration: .init(
                // Shutdown runs in reverse: runs are interrupted (and recorded) while clients are still
                // attached to see it, then the control socket closes, then the upstream connections.
                services: [
                    .init(service: ClosureService(name: "upstream") { try await upstream.run() }),
                    .init(
                        service: ClosureService(name: "control") { try await server.run() },
                        successTerminationBehavior: .gracefullyShutdownGroup),
                    .init(service: ClosureService(name: "runs") { await manager.run() }),
                    // First to stop: tells systemd the daemon is stopping.
                    .init(
                        service: ClosureService(name: "watchdog") {
                            await watchdog(notifier)
                            notifier.notify("STOPPING=1")
                        }),
                    .init(service: ClosureService(name: "reload") { await reloader.run() }),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        logger.info(
            "agentd ready",
            metadata: [
                "socket": "\(paths.socket)", "ledger": "\(paths.ledger)", "upstream.url": "\(upstreamConfiguration.redactedURL)",
                "runs.recovered": "\(recovered.count)", "socket.activated": "\(activation != nil)",
            ])
        notifier.notify("READY=1\nSTATUS=listening on \(paths.socket)")
        // The per-call cgroups kept for reuse would otherwise outlive the daemon as empty folders.
        defer { EscapeContainment.removeIdleGroups() }
        try await group.run()
        await mcp.shutdown()
        hub.finishAll()
        logger.info("agentd stopped")
    }

    /// Pings the systemd watchdog at half its interval, when systemd asked for one.
    private func watchdog(_ notifier: SystemdNotifier) async {
        guard let interval = SystemdNotifier.watchdogInterval(environment: environment) else {
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            return
        }
        while !Task.isCancelled {
            notifier.notify("WATCHDOG=1")
            try? await Task.sleep(for: interval / 2)
        }
    }

    private func prepareStateDirectory(logger: Logger) throws {
        do {
            try FileManager.default.createDirectory(
                atPath: paths.stateDirectory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw DaemonError("cannot create the state directory \(paths.stateDirectory): \(error.localizedDescription)")
        }
        // The ledger's files are 0600 whatever the directory, but a directory others can list or enter shows
        // which files exist and lets them read any file a tool or an operator creates there with a looser mode.
        var info = stat()
        if stat(paths.stateDirectory, &info) == 0, info.st_mode & 0o077 != 0 {
            logger.warning(
                "state directory is open to group or others; the ledger files are 0600, run chmod 700 on it",
                metadata: [
                    "state.dir": "\(paths.stateDirectory)", "state.dir_mode": "\(String(info.st_mode & 0o7777, radix: 8))",
                ])
        }
    }

    private func makeUpstreamConfiguration(apiKey: String?) throws -> UpstreamConfiguration {
        let base = environment["OPENAI_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? configuration.upstream.baseURL
        if let problem = UpstreamConfiguration.baseURLProblem(base) { throw DaemonError(problem) }
        guard let baseURL = URL(string: base), let url = UpstreamConfiguration.responsesURL(fromBaseURL: baseURL) else {
            throw DaemonError("the upstream base URL is not an http(s):// or ws(s):// URL")
        }
        let upstream = configuration.upstream
        return UpstreamConfiguration(
            url: url, apiKey: apiKey, organization: environment["OPENAI_ORG_ID"],
            project: environment["OPENAI_PROJECT_ID"], connections: upstream.connections,
            lanesPerConnection: upstream.lanesPerConnection, useLanes: upstream.lanes,
            maxFrameSize: upstream.maxFrameBytes, connectTimeout: .milliseconds(upstream.connectTimeoutMillis),
            pingInterval: .milliseconds(upstream.pingIntervalMillis),
            idleStreamTimeout: .milliseconds(upstream.idleStreamTimeoutMillis),
            maxConnectionAge: .seconds(upstream.maxConnectionAgeSeconds),
            backoff: .init(
                base: .milliseconds(upstream.reconnectBackoffBaseMillis),
                cap: .milliseconds(upstream.reconnectBackoffMaxMillis)),
            transport: UpstreamTransport(rawValue: upstream.transport) ?? .websocket,
            fallbackAfterConnectFailures: upstream.fallbackAfterConnectFailures)
    }

    private func engineConfiguration(ledger: Ledger, alsoApproved: [String] = []) -> EngineConfiguration {
        let run = configuration.run
        var engine = EngineConfiguration(
            defaultModel: run.model, defaultTools: run.tools, defaultInstructions: run.instructions,
            maxResponses: run.maxResponses, maxTurnAttempts: run.maxTurnAttempts,
            includeEncryptedReasoning: run.includeEncryptedReasoning,
            onLedgerIOError: { failure in
                // The PostgreSQL lesson: never retry a failed fsync. Stop now; the service manager restarts
                // agentd, which re-checks the file and recovers every unfinished run from what was committed.
                FileHandle.standardError.write(Data("agentd: fatal ledger error, exiting: \(failure)\n".utf8))
                // Also when the error came from a read the writer never saw: the restart must re-verify.
                ledger.requireFullCheckAtNextOpen()
                exit(75)
            })
        engine.maxToolCalls = run.maxToolCalls > 0 ? run.maxToolCalls : nil
        engine.requireApproval += ToolSetFactory.alwaysApproved(configuration) + alsoApproved
        engine.prewarm = configuration.upstream.prewarm
        RunRequestKeys.apply(run, to: &engine)
        engine.responseLimits = ResponseLimits(
            maxBytes: run.maxResponseBytes, maxEvents: run.maxResponseEvents,
            maxDuration: .milliseconds(run.maxResponseMillis))
        return engine
    }

    /// The tool limits of `configuration`; `sandboxProbe` is the start-up probe, which `tools.sandbox = "auto"`
    /// follows (without one, `auto` runs tools directly).
    ///
    /// `hiding` lists directories the sandbox shows empty (the state and socket directories).
    static func toolLimits(
        for configuration: DaemonConfiguration, sandboxProbe: Result<BubblewrapSandbox, SandboxUnavailable>? = nil,
        hiding: [String] = []
    ) -> ToolLimits {
        let tools = configuration.tools
        var limits = ToolLimits()
        limits.defaultTimeout = .milliseconds(tools.timeoutMillis)
        limits.maxTimeout = .milliseconds(tools.maxTimeoutMillis)
        limits.killGrace = .milliseconds(tools.killGraceMillis)
        limits.capture = CaptureLimits(headBytes: tools.outputHeadBytes, tailBytes: tools.outputTailBytes)
        limits.environment.allowedNames = tools.environment
        limits.confineToWorkspace = tools.confineToWorkspace
        limits.workspaceRoots = tools.workspaceRoots
        limits.sandbox = (SandboxChoice(rawValue: tools.sandbox) ?? .none).sandbox(probed: sandboxProbe)
        limits.sandbox?.hidden = hiding
        return limits
    }

    private func controlConfiguration() -> ControlConfiguration {
        var control = ControlConfiguration()
        control.maxLineBytes = configuration.control.maxLineBytes
        control.outboundQueueLimit = configuration.control.outboundQueueLimit
        control.maxConnections = configuration.control.maxConnections
        control.maxUnsentResponseBytes = configuration.control.maxUnsentResponseBytes
        control.initializeTimeout = .milliseconds(configuration.control.initializeTimeoutMillis)
        control.allowedUIDs.formUnion(configuration.control.allowedUIDs.map { UInt32($0) })
        control.daemonVersion = AgentVersion.current
        return control
    }
}
