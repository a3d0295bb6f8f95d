import AgentTools
import Glibc
import Logging
import MCP

/// One MCP server for the daemon's life: started as a child process, its tools listed at start-up, calls routed
/// to it, and restarted with backoff when it exits. Calls made while it is down fail at once with a clear message.
public actor MCPServerConnection {
    /// The server's configuration.
    public let spec: MCPServerSpec
    /// The tools the server listed when it first started.
    public private(set) var tools: [MCP.Tool] = []
    /// How many times the server was started (1 after ``start(timeout:)``; each restart adds one).
    public private(set) var launches = 0

    private struct Live {
        let client: Client
        let generation: Int
    }

    private let environment: [String: String]
    private let logger: Logger
    private let backoff: MCPRestartBackoff
    private var live: Live?
    private var children: [Int: MCPChildProcess] = [:]
    private var inflight: [Int: (generation: Int, race: MCPRace<MCPCallResult>)] = [:]
    private var startups: [Int: MCPRace<Result<[MCP.Tool], MCPServerError>>] = [:]
    private var nextCallID = 0
    private var failuresInARow = 0
    private var lastExit = "not started"
    private var stopped = false
    private var restartTask: Task<Void, Never>?
    private var launchWaiters: [(after: Int, continuation: CheckedContinuation<Void, Never>)] = []

    /// Creates a connection; `environment` is the server's full environment (allow-list plus its `env`).
    public init(
        spec: MCPServerSpec, environment: [String: String], logger: Logger,
        backoff: MCPRestartBackoff = MCPRestartBackoff()
    ) {
        self.spec = spec
        self.environment = environment
        self.logger = logger
        self.backoff = backoff
    }

    /// Starts the server, initializes the MCP session and lists its tools; throws when any step fails or takes
    /// longer than `timeout`.
    public func start(timeout: Duration) async throws {
        tools = try await launch(timeout: timeout)
    }

    /// Calls `tool` with `arguments`; never throws: a server that is down, exits or does not answer in `timeout`
    /// yields a failed or timed-out result.
    func call(tool: String, arguments: [String: Value], timeout: Duration) async -> MCPCallResult {
        guard let live else {
            return .failed(
                "MCP server '\(spec.name)' is not running (\(lastExit)); it is being restarted, try again")
        }
        let race = MCPRace<MCPCallResult>()
        nextCallID += 1
        let id = nextCallID
        inflight[id] = (live.generation, race)
        let client = live.client
        let name = spec.name
        let request = Task {
            do {
                let reply: (content: [MCP.Tool.Content], isError: Bool?) = try await client.callTool(
                    name: tool, arguments: arguments)
                race.finish(
                    .answered(text: MCPValueBridge.text(of: reply.content), isError: reply.isError ?? false))
            } catch {
                race.finish(.failed("MCP server '\(name)' failed the call: \(error)"))
            }
        }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { race.finish(.timedOut) }
        }
        let result = await race.wait()
        inflight[id] = nil
        timer.cancel()
        request.cancel()
        if case .answered = result { failuresInARow = 0 }
        return result
    }

    /// Waits until the server has been started more than `launches` times (tests use it to wait for a restart).
    public func waitForLaunch(after launches: Int) async {
        guard self.launches <= launches else { return }
        await withCheckedContinuation { launchWaiters.append((launches, $0)) }
    }

    /// Stops the server and any pending restart.
    public func shutdown() async {
        stopped = true
        restartTask?.cancel()
        for child in children.values { child.terminate() }
        if let live { await live.client.disconnect() }
        live = nil
    }

    private func launch(timeout: Duration) async throws -> [MCP.Tool] {
        launches += 1
        let generation = launches
        let child = try MCPChildProcess.launch(spec, environment: environment) { [weak self] status in
            Task { await self?.exited(generation: generation, status: status) }
        }
        children[generation] = child
        let transport = MCPPipeTransport(readFD: child.readFD, writeFD: child.writeFD, logger: logger)
        let client = Client(name: "agentd", version: "1")
        let race = MCPRace<Result<[MCP.Tool], MCPServerError>>()
        let name = spec.name
        let handshake = Task {
            do {
                try await client.connect(transport: transport)
                var listed: [MCP.Tool] = []
                var cursor: String? = nil
                repeat {
                    let page = try await client.listTools(cursor: cursor)
                    listed += page.tools
                    cursor = page.nextCursor
                } while cursor != nil && listed.count < 10_000
                race.finish(.success(listed))
            } catch {
                race.finish(.failure(MCPServerError("MCP server '\(name)' did not start: \(error)")))
            }
        }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled {
                race.finish(.failure(MCPServerError("MCP server '\(name)' did not answer in time")))
            }
        }
        startups[generation] = race
        let result = await race.wait()
        timer.cancel()
        handshake.cancel()
        startups[generation] = nil
        switch result {
        case .success(let listed):
            guard !stopped, children[generation] != nil else {
                await client.disconnect()
                throw MCPServerError("MCP server '\(name)' exited during start-up (\(lastExit))")
            }
            live = Live(client: client, generation: generation)
            resumeLaunchWaiters()
            logger.info(
                "mcp server started", metadata: ["mcp.server": "\(name)", "mcp.tools": "\(listed.count)"])
            return listed
        case .failure(let error):
            child.terminate()
            await client.disconnect()
            throw error
        }
    }

    private func exited(generation: Int, status: Int32) async {
        guard let child = children.removeValue(forKey: generation) else { return }
        close(child.writeFD)
        lastExit = "exited with status \(status)"
        for (_, entry) in inflight where entry.generation == generation {
            entry.race.finish(
                .failed(
                    "MCP server '\(spec.name)' exited during the call (status \(status)); it is being restarted"
                ))
        }
        startups[generation]?.finish(
            .failure(
                MCPServerError("MCP server '\(spec.name)' exited during start-up (status \(status))")))
        guard let current = live, current.generation == generation else { return }
        live = nil
        // The SDK client would otherwise keep re-reading the finished stream; disconnecting ends its loop.
        await current.client.disconnect()
        logger.warning(
            "mcp server exited", metadata: ["mcp.server": "\(spec.name)", "mcp.status": "\(status)"])
        scheduleRestart()
    }

    private func scheduleRestart() {
        guard !stopped else { return }
        failuresInARow += 1
        let delay = backoff.delay(afterFailures: failuresInARow)
        restartTask = Task { [weak self] in
            try? await Task.sleep(for: delay)
            guard !Task.isCancelled else { return }
            await self?.restart()
        }
    }

    private func restart() async {
        guard !stopped, live == nil else { return }
        do {
            _ = try await launch(timeout: .seconds(30))
        } catch {
            logger.warning(
                "mcp server restart failed", metadata: ["mcp.server": "\(spec.name)", "error": "\(error)"])
            if live == nil { scheduleRestart() }
        }
    }

    private func resumeLaunchWaiters() {
        let ready = launchWaiters.filter { $0.after < launches }
        launchWaiters.removeAll { $0.after < launches }
        for waiter in ready { waiter.continuation.resume() }
    }
}
