import AgentModel
import Logging
import Synchronization

/// Owns the runs of this daemon: starts, resumes and recovers them, and answers questions about them.
///
/// ``run()`` is the long-lived service: every run's driver is a child task of it, so stopping the service
/// interrupts every run (recorded as `run.interrupted`, resumable) before it returns.
public actor RunManager {
    let store: any EventStore
    let upstream: any ResponsesUpstream
    let tools: any ToolExecutor
    let hub: EventHub
    let configuration: EngineConfiguration
    let logger: Logger
    private var drivers: [RunID: RunDriver] = [:]
    /// Runs one command holds while it reads the ledger, appends to it outside a driver and launches a driver
    /// (resume, cancel of an inactive run, recovery), with the commands waiting for their turn. Held across awaits,
    /// so two commands on one run never interleave: each re-checks ``drivers`` once it holds the run.
    private var claims: [RunID: [CheckedContinuation<Void, Never>]] = [:]
    /// Runs stopped because the ledger was full, with the reason: kept in memory (the disk cannot take it) and
    /// shown as `interrupted` until `run/resume`. After a restart such a run is recovered as after a crash.
    private var paused: [RunID: String] = [:]
    /// Cleared when the service stops; nonisolated so cancellation can clear it at once.
    private let accepting = Mutex(true)
    private let launches: AsyncStream<RunDriver>
    private let launchContinuation: AsyncStream<RunDriver>.Continuation

    public init(
        store: any EventStore, upstream: any ResponsesUpstream, tools: any ToolExecutor, hub: EventHub,
        configuration: EngineConfiguration, logger: Logger
    ) {
        self.store = store
        self.upstream = upstream
        self.tools = tools
        self.hub = hub
        self.configuration = configuration
        self.logger = logger
        (launches, launchContinuation) = AsyncStream.makeStream()
    }

    /// Runs every launched run as a child task until cancelled; then interrupts them and returns.
    public func run() async {
        await withTaskCancellationHandler {
            await withDiscardingTaskGroup { group in
                for await driver in launches {
                    group.addTask {
                        await driver.drive()
                        await self.driverFinished(driver, pauseReason: await driver.pauseReason)
                    }
                }
            }
        } onCancel: {
            stopAccepting()
        }
    }

    /// Stops taking runs; active runs are interrupted when ``run()`` is cancelled.
    public nonisolated func stopAccepting() {
        accepting.withLock { $0 = false }
        launchContinuation.finish()
    }

    /// Starts a run: records `run.started` and returns once it is committed.
    ///
    /// - Parameter recording: builds the idempotency record of the request from the new run's state; it is
    ///   committed in the same transaction as `run.started`, so the run exists exactly when its record does.
    public func start(
        _ request: StartRunRequest, recording: (@Sendable (RunState) throws -> ControlRequestRecord)? = nil
    ) async throws -> RunState {
        guard accepting.withLock({ $0 }) else {
            throw EngineError(.shuttingDown, "agentd is shutting down; start the run later")
        }
        let prompt = request.prompt
        guard !prompt.isEmpty else { throw EngineError(.invalidRequest, "the prompt is empty") }
        let toolNames = ToolSelection.resolve(
            base: request.tools ?? configuration.defaultTools, adding: request.addTools, removing: request.removeTools)
        let model = request.model ?? configuration.defaultModel
        let format =
            request.toolFormat
            ?? configuration.toolFormat.resolve(model: model, nativeModels: configuration.nativeToolModels)
        let definitions: [JSONValue]
        do {
            _ = try tools.definitions(for: request.removeTools)
            definitions = try offeredDefinitions(toolNames, format: format)
        } catch {
            throw EngineError(.invalidRequest, "\(error)")
        }
        if let effort = request.effort, !EngineConfiguration.reasoningEfforts.contains(effort) {
            let allowed = EngineConfiguration.reasoningEfforts.joined(separator: ", ")
            throw EngineError(.invalidRequest, "effort must be one of \(allowed), got \"\(effort)\"")
        }
        if let tokens = request.maxOutputTokens, tokens <= 0 {
            throw EngineError(.invalidRequest, "max_output_tokens must be positive, got \(tokens)")
        }
        let gated = Set(configuration.requireApproval + request.requireApproval).sorted()
        var started = RunStarted(
            model: model, prompt: prompt,
            instructions: request.instructions ?? configuration.defaultInstructions, cwd: request.cwd,
            tools: toolNames, client: request.client, requireApproval: gated.isEmpty ? nil : gated)
        started.effort = request.effort
        started.maxOutputTokens = request.maxOutputTokens
        // Recorded resolved, so a resume or a restart under another configuration offers what this run was offered.
        started.toolFormat = format
        let id = RunID.generate()
        let event = LedgerEvent(
            runID: id, seq: 0, timestampMillis: LedgerEvent.nowMillis(), kind: .run, type: RunEventType.started,
            payload: try JSONCoding.encode(started))
        let state = RunReducer.replay(id, [event])
        if let recording {
            try await store.append([event], recording: try recording(state))
        } else {
            try await store.append([event])
        }
        try launch(state: state, definitions: definitions)
        return state
    }

    /// Continues an interrupted or failed run from its ledger.
    public func resume(_ id: RunID) async throws -> RunState {
        guard accepting.withLock({ $0 }) else {
            throw EngineError(.shuttingDown, "agentd is shutting down; resume the run later")
        }
        if let driver = drivers[id] { return await driver.state }
        await claim(id)
        defer { release(id) }
        // Re-checked now that this command holds the run: another resume may have launched it meanwhile.
        if let driver = drivers[id] { return await driver.state }
        var state = try await replay(id)
        guard !state.status.isTerminal || state.status == .failed else {
            throw EngineError(.invalidRequest, "run \(id) is \(state.status.rawValue) and cannot be resumed")
        }
        let definitions = try offeredDefinitions(state.tools, format: state.toolFormat)
        if paused[id] != nil {
            // Deltas queued before the pause were lost with the failed commit; the run goes on from the ledger.
            await store.forgetDeferredFailures(of: id)
            if state.awaitingResponse || state.chainIntact {
                // The lane died with the paused driver: rebuild the chain from the ledger, as crash recovery does.
                try await appendLifecycle(
                    &state, RunEventType.chainReset, payload: ChainReset(reason: "resumed after the ledger was full"))
            }
        }
        try await appendLifecycle(&state, RunEventType.resumed, payload: RunEnded())
        paused[id] = nil
        try launch(state: state, definitions: definitions)
        return state
    }

    /// Picks up runs that were active when the daemon stopped without interrupting them (a crash).
    ///
    /// - Returns: the runs that were resumed.
    public func recoverCrashedRuns() async throws -> [RunID] {
        var recovered: [RunID] = []
        for id in try await store.unfinishedRuns() where drivers[id] == nil {
            await claim(id)
            defer { release(id) }
            guard drivers[id] == nil else { continue }
            var state = try await replay(id)
            guard state.status == .running || state.status == .awaitingApproval,
                let definitions = try? offeredDefinitions(state.tools, format: state.toolFormat)
            else { continue }
            logger.info("recovering run after a crash", metadata: ["run.id": "\(id)"])
            if state.awaitingResponse || state.chainIntact {
                // The partial response and the connection's cache died with the old process.
                try await appendLifecycle(
                    &state, RunEventType.chainReset, payload: ChainReset(reason: "agentd restarted"))
            }
            try launch(state: state, definitions: definitions)
            recovered.append(id)
        }
        return recovered
    }

    /// Stops a run: an active one through its driver, an inactive (interrupted or failed) one at once.
    public func cancel(_ id: RunID, mode: CancelMode, reason: String) async throws -> RunState {
        await claim(id)
        defer { release(id) }
        // Checked while holding the run: a resume in progress has either launched its driver or not started.
        if let driver = drivers[id] {
            await driver.requestCancel(mode, reason: reason)
            return await driver.state
        }
        var state = try await replay(id)
        guard !state.status.isTerminal || state.status == .failed else {
            throw EngineError(.invalidRequest, "run \(id) is already \(state.status.rawValue)")
        }
        if state.status != .cancelled {
            try await appendLifecycle(&state, RunEventType.cancelled, payload: RunEnded(reason: reason, code: "cancelled"))
        }
        return state
    }

    /// Injects user input into an active run: steered into the response that is streaming when the upstream can
    /// steer, else queued for the next request. A repeated `inputID` is not applied twice.
    public func addInput(_ id: RunID, _ input: InputAdded) async throws -> RunState {
        guard let driver = drivers[id] else {
            let state = try await replay(id)
            // A retry of input the run already has is answered (not applied again), even after the run ended.
            if state.inputIDs.contains(input.inputID) { return state }
            throw EngineError(.invalidRequest, "run \(id) is \(state.status.rawValue); input goes only to active runs")
        }
        try await driver.addInput(input)
        try await driver.steerIfStreaming(input)
        return await driver.state
    }

    /// Records a decision on a call waiting for approval; the first decision wins, also after the run ended.
    public func resolveApproval(_ id: RunID, _ decision: ApprovalResolved) async throws -> ApprovalOutcome {
        guard let driver = drivers[id] else {
            _ = try await replay(id)
            // No driver: the run has ended (or waits to be resumed); a decision it recorded is still in force.
            let earlier = try await store.recordedDecision(on: decision.callID, of: id)
            return earlier.map { .alreadyResolved($0) } ?? .notFound
        }
        return try await driver.resolveApproval(decision)
    }

    /// Calls waiting for a decision, per run (all runs when `run` is nil).
    public func pendingApprovals(_ run: RunID? = nil) async -> [(RunID, ToolCallRecord)] {
        var pending: [(RunID, ToolCallRecord)] = []
        for (id, driver) in drivers.sorted(by: { $0.key < $1.key }) where run == nil || run == id {
            pending += await driver.state.pendingApprovals.map { (id, $0) }
        }
        return pending
    }

    /// Active runs waiting before they send a request again (a 429, a 5xx, …), with what they wait for.
    public func retryWaits() async -> [(RunID, RetryScheduled)] {
        var waits: [(RunID, RetryScheduled)] = []
        for (id, driver) in drivers.sorted(by: { $0.key < $1.key }) {
            if let wait = await driver.state.retryWait { waits.append((id, wait)) }
        }
        return waits
    }

    /// The run's current state: live for active runs, else replayed from the ledger.
    public func state(of id: RunID) async throws -> RunState {
        if let driver = drivers[id] { return await driver.state }
        var state = try await replay(id)
        if let reason = paused[id] {
            state.status = .interrupted
            state.endReason = reason
        }
        return state
    }

    /// Whether a driver is working on `id` in this process.
    public func isActive(_ id: RunID) -> Bool { drivers[id] != nil }

    /// Number of runs with a driver.
    public var activeRunCount: Int { drivers.count }

    /// The run's events from `fromSeq` on, history then live; see ``RunFeed``.
    public nonisolated func feed(_ id: RunID, fromSeq: Int64) -> RunFeed {
        RunFeed(
            run: id, fromSeq: fromSeq, store: store, hub: hub, isActive: { await self.isActive($0) }, pageSize: 1024)
    }

    /// Replays a run from the ledger.
    public func replay(_ id: RunID) async throws -> RunState {
        var state = RunState(id: id)
        var next: Int64 = 0
        while true {
            let page = try await store.events(of: id, fromSeq: next, limit: 4096)
            for event in page { RunReducer.reduce(&state, event) }
            guard let last = page.last else { break }
            next = last.seq + 1
        }
        guard state.lastSeq >= 0 else { throw EngineError(.runNotFound, "no run \(id) in the ledger") }
        return state
    }

    /// The `tools` entries of a run with these tools and this format (see ``ToolSelection/offered(_:format:)``).
    private func offeredDefinitions(_ names: [String], format: ToolFormat) throws -> [JSONValue] {
        ToolSelection.offered(try tools.definitions(for: names), format: format)
    }

    /// Waits until no other command holds run `id`, then holds it until ``release(_:)``.
    private func claim(_ id: RunID) async {
        while claims[id] != nil {
            await withCheckedContinuation { waiter in claims[id, default: []].append(waiter) }
        }
        claims[id] = []
    }

    /// Lets the commands waiting for run `id` go on (each checks again whether it is free).
    private func release(_ id: RunID) {
        for waiter in claims.removeValue(forKey: id) ?? [] { waiter.resume() }
    }

    /// Registers and starts a driver for the run.
    ///
    /// - Throws: ``EngineError/Code/shuttingDown`` when the service stopped while the caller awaited (the driver
    ///   would never run; the run is recovered at the next start).
    private func launch(state: RunState, definitions: [JSONValue]) throws {
        guard accepting.withLock({ $0 }) else {
            throw EngineError(.shuttingDown, "agentd is shutting down; the run \(state.id) goes on after the restart")
        }
        let driver = RunDriver(
            state: state, store: store, upstream: upstream, tools: tools, toolDefinitions: definitions,
            configuration: configuration, logger: logger)
        drivers[state.id] = driver
        launchContinuation.yield(driver)
    }

    private func appendLifecycle<Payload: Encodable>(_ state: inout RunState, _ type: String, payload: Payload)
        async throws
    {
        let event = LedgerEvent(
            runID: state.id, seq: state.lastSeq + 1, timestampMillis: LedgerEvent.nowMillis(), kind: .run,
            type: type, payload: try JSONCoding.encode(payload))
        try await store.append([event])
        RunReducer.reduce(&state, event)
    }

    private func driverFinished(_ driver: RunDriver, pauseReason: String?) {
        let id = driver.id
        // Only this driver's own entry: a later driver of the run (resumed after this one ended) stays.
        if drivers[id] === driver { drivers[id] = nil }
        if let pauseReason {
            logger.warning(
                "run paused: the ledger is full or not writable", metadata: ["run.id": "\(id)", "reason": "\(pauseReason)"])
            paused[id] = pauseReason
        }
    }
}
