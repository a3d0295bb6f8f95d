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
    /// The upstream lane of each run whose last turn completed: the server caches the run's last response there, so
    /// the next turn continues the chain with `previous_response_id` (if the pool did not give the lane away).
    private var parkedLanes: [RunID: any UpstreamLane] = [:]
    /// The state of each run whose last turn completed in this process, as its driver folded it (equal to a replay
    /// of its ledger): the next `run/prompt` starts from it instead of replaying the whole conversation. Dropped
    /// whenever the manager appends to the run outside a driver.
    private var endedStates: [RunID: RunState] = [:]
    private static let endedStatesLimit = 64
    /// Commands waiting for a run's driver to go: its turn ended and it is winding down.
    private var driverEndWaiters: [RunID: [CheckedContinuation<Void, Never>]] = [:]
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
                        await self.driverFinished(
                            driver, pauseReason: await driver.pauseReason, lane: await driver.takeLane(),
                            finalState: await driver.state)
                    }
                }
            }
            for lane in parkedLanes.values { await lane.release() }
            parkedLanes = [:]
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
    /// Without a prompt the run is `idle`: it has no turn and no driver until ``prompt(_:text:inputID:effort:client:recording:)``.
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
        // An idle run waits for its first prompt: nothing to send yet.
        if state.status != .idle { try launch(state: state, definitions: definitions) }
        return state
    }

    /// Takes the next user message of a conversation: a new turn when the last one ended (or there is none), else
    /// input for the current turn. ``RunState/promptDecision(text:inputID:)`` decides which.
    ///
    /// - Parameter recording: builds the idempotency record from the run's state; when the prompt opens a turn it
    ///   commits in the same transaction as `turn.started` (a queued input is recorded by the caller afterwards).
    public func prompt(
        _ id: RunID, text: String, inputID: String, effort: String? = nil, toolFormat: ToolFormat? = nil,
        client: String? = nil, recording: (@Sendable (RunState) throws -> ControlRequestRecord)? = nil
    ) async throws -> PromptOutcome {
        guard accepting.withLock({ $0 }) else {
            throw EngineError(.shuttingDown, "agentd is shutting down; send the prompt later")
        }
        if let effort, !EngineConfiguration.reasoningEfforts.contains(effort) {
            let allowed = EngineConfiguration.reasoningEfforts.joined(separator: ", ")
            throw EngineError(.invalidRequest, "effort must be one of \(allowed), got \"\(effort)\"")
        }
        await claim(id)
        defer { release(id) }
        let input = InputAdded(inputID: inputID, text: text, client: client)
        // A driver whose turn just ended is winding down: wait for it, then the run takes a new turn.
        while let driver = await driverStillWorking(id) {
            let state = await driver.state
            // Re-checked after the await: the driver may have ended its turn meanwhile.
            guard drivers[id] === driver else { continue }
            switch state.promptDecision(text: text, inputID: inputID) {
            case .queueInput(let turn):
                try await driver.addInput(input)
                try await driver.steerIfStreaming(input)
                return PromptOutcome(state: await driver.state, turn: turn, startedTurn: false)
            case .alreadyApplied(let turn):
                return PromptOutcome(state: state, turn: turn, startedTurn: false)
            case .refuse(let reason):
                throw EngineError(.invalidRequest, reason)
            case .startTurn:
                continue
            }
        }
        var state: RunState
        if let ended = endedStates.removeValue(forKey: id) { state = ended } else { state = try await replay(id) }
        switch state.promptDecision(text: text, inputID: inputID) {
        case .refuse(let reason):
            throw EngineError(.invalidRequest, reason)
        case .alreadyApplied(let turn):
            return PromptOutcome(state: state, turn: turn, startedTurn: false)
        case .queueInput(let turn):
            // Active in the ledger but without a driver here (paused, or waiting for recovery): queued for its next
            // request.
            try await appendEvents(&state, [(.control, ControlEventType.inputAdded, try JSONCoding.encode(input))])
            return PromptOutcome(state: state, turn: turn, startedTurn: false)
        case .startTurn(let turn, let endingInterrupted):
            let definitions = try offeredDefinitions(state.tools, format: toolFormat ?? state.toolFormat)
            var events: [(EventKind, String, String)] = []
            if endingInterrupted {
                // Ended first, so the interrupted turn is never resumed behind the new one.
                let ended = RunEnded(reason: "a new turn started", code: "superseded")
                events.append((.run, RunEventType.cancelled, try JSONCoding.encode(ended)))
            }
            let started = TurnStarted(turn: turn, prompt: text, inputID: inputID, effort: effort, toolFormat: toolFormat)
            events.append((.run, RunEventType.turnStarted, try JSONCoding.encode(started)))
            try await appendEvents(&state, events, recording: recording)
            if paused.removeValue(forKey: id) != nil { await store.forgetDeferredFailures(of: id) }
            try launch(state: state, definitions: definitions)
            return PromptOutcome(state: state, turn: turn, startedTurn: true)
        }
    }

    /// A new run holding `id`'s conversation through turn `atTurn` (the last ended turn when `nil`), `idle` until
    /// prompted. Its ledger carries that history (`run.forked`), so it never reads the parent again.
    public func fork(
        _ id: RunID, atTurn: Int?, client: String? = nil,
        recording: (@Sendable (RunState) throws -> ControlRequestRecord)? = nil
    ) async throws -> RunState {
        guard accepting.withLock({ $0 }) else {
            throw EngineError(.shuttingDown, "agentd is shutting down; fork the run later")
        }
        let parent = try await state(of: id)
        let turn: Int
        switch parent.forkDecision(atTurn: atTurn) {
        case .refuse(let reason): throw EngineError(.invalidRequest, reason)
        case .fork(let through): turn = through
        }
        // The parent as it was when that turn ended (its live state may be turns further on).
        let through = try await replay(id, throughTurn: turn)
        var started = RunStarted(
            model: through.model, prompt: "", instructions: through.instructions, cwd: through.cwd,
            tools: through.tools, client: client, requireApproval: through.requireApproval.isEmpty ? nil : through.requireApproval)
        started.effort = through.effort
        started.maxOutputTokens = through.maxOutputTokens
        started.toolFormat = through.toolFormat
        let forkID = RunID.generate()
        let now = LedgerEvent.nowMillis()
        let events = [
            LedgerEvent(
                runID: forkID, seq: 0, timestampMillis: now, kind: .run, type: RunEventType.started,
                payload: try JSONCoding.encode(started)),
            LedgerEvent(
                runID: forkID, seq: 1, timestampMillis: now, kind: .run, type: RunEventType.forked,
                payload: try JSONCoding.encode(through.forkHistory(parent: id))),
        ]
        let state = RunReducer.replay(forkID, events)
        if let recording {
            try await store.append(events, recording: try recording(state))
        } else {
            try await store.append(events)
        }
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
    ///
    /// - Parameter acrossTurns: keep following after a turn ends (see ``RunFeed/acrossTurns``).
    public nonisolated func feed(_ id: RunID, fromSeq: Int64, acrossTurns: Bool = false) -> RunFeed {
        var feed = RunFeed(
            run: id, fromSeq: fromSeq, store: store, hub: hub, isActive: { await self.isActive($0) }, pageSize: 1024)
        feed.acrossTurns = acrossTurns
        return feed
    }

    /// Replays a run from the ledger; with `throughTurn`, only up to the turn after that one.
    public func replay(_ id: RunID, throughTurn: Int? = nil) async throws -> RunState {
        var state = RunState(id: id)
        var next: Int64 = 0
        paging: while true {
            let page = try await store.events(of: id, fromSeq: next, limit: 4096)
            for event in page {
                if let throughTurn, RunReducer.opensTurn(after: throughTurn, event) { break paging }
                RunReducer.reduce(&state, event)
            }
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
            configuration: configuration, logger: logger, lane: parkedLanes.removeValue(forKey: state.id))
        drivers[state.id] = driver
        launchContinuation.yield(driver)
    }

    /// The driver of `id` while its turn is still going; waits for a driver whose turn ended to go first.
    private func driverStillWorking(_ id: RunID) async -> RunDriver? {
        while let driver = drivers[id] {
            let ended = await driver.state.status.turnEnded
            // Re-checked after the await: the driver may be gone already (then no one would wake this wait).
            guard drivers[id] === driver else { continue }
            guard ended else { return driver }
            await withCheckedContinuation { driverEndWaiters[id, default: []].append($0) }
        }
        return nil
    }

    /// Appends events built from `(kind, type, payload)` after the run's last one (with the idempotency record built
    /// from the state they produce, in the same transaction) and folds them into `state`.
    private func appendEvents(
        _ state: inout RunState, _ parts: [(EventKind, String, String)],
        recording: (@Sendable (RunState) throws -> ControlRequestRecord)? = nil
    ) async throws {
        endedStates[state.id] = nil
        var next = state
        var events: [LedgerEvent] = []
        for (kind, type, payload) in parts {
            let event = LedgerEvent(
                runID: state.id, seq: next.lastSeq + 1, timestampMillis: LedgerEvent.nowMillis(), kind: kind,
                type: type, payload: payload)
            RunReducer.reduce(&next, event)
            events.append(event)
        }
        if let recording {
            try await store.append(events, recording: try recording(next))
        } else {
            try await store.append(events)
        }
        state = next
    }

    private func appendLifecycle<Payload: Encodable>(_ state: inout RunState, _ type: String, payload: Payload)
        async throws
    {
        endedStates[state.id] = nil
        let event = LedgerEvent(
            runID: state.id, seq: state.lastSeq + 1, timestampMillis: LedgerEvent.nowMillis(), kind: .run,
            type: type, payload: try JSONCoding.encode(payload))
        try await store.append([event])
        RunReducer.reduce(&state, event)
    }

    private func driverFinished(
        _ driver: RunDriver, pauseReason: String?, lane: (any UpstreamLane)?, finalState: RunState
    ) async {
        let id = driver.id
        // Only a completed turn's state is known to be all committed (a paused driver's may not be).
        if drivers[id] === driver && pauseReason == nil && finalState.status == .completed {
            // Bounded: a conversation's state holds its whole context; an evicted run is replayed when prompted.
            if endedStates.count >= Self.endedStatesLimit, let evicted = endedStates.keys.first {
                endedStates[evicted] = nil
            }
            endedStates[id] = finalState
        }
        // Only this driver's own entry: a later driver of the run (resumed after this one ended) stays.
        if drivers[id] === driver { drivers[id] = nil }
        for waiter in driverEndWaiters.removeValue(forKey: id) ?? [] { waiter.resume() }
        if let lane {
            if drivers[id] == nil && accepting.withLock({ $0 }) {
                let replaced = parkedLanes.updateValue(lane, forKey: id)
                await replaced?.release()
            } else {
                await lane.release()
            }
        }
        if let pauseReason {
            logger.warning(
                "run paused: the ledger is full or not writable", metadata: ["run.id": "\(id)", "reason": "\(pauseReason)"])
            paused[id] = pauseReason
        }
    }
}
