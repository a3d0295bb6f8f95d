import AgentModel
import Foundation
import Logging
import NIOPosix
import WSClient

/// A pool of WebSocket connections to the Responses API, shared by runs through leased lanes.
///
/// Connections are opened by ``run()`` (which owns them in a task group until cancelled), so the first run pays
/// no handshake. Each connection carries up to `lanesPerConnection` named lanes (`stream_id` `l0`…`l31`) and at most
/// `activeResponsesPerConnection` responses in flight; a run leases a lane and keeps it between turns, because the
/// server caches the latest response per lane and connection, but holds an active slot only while a response streams.
/// When every lane is held, a new lease takes over the least recently used lane of a run between turns. Policy
/// (lanes, active slots, the fair queues, rotation, deadlines) lives in the pure ``LaneScheduler``; this actor carries
/// out its actions and owns the sockets.
public actor WebSocketPool: ResponsesUpstream {
    /// Per-slot runtime state that the scheduler does not model: the socket, the streams, counters.
    struct Slot {
        var attempt: UInt64 = 0
        var writer: WebSocketOutboundWriter?
        var kill: AsyncStream<Void>.Continuation?
        var active: [Int: ActiveResponse] = [:]
        var state: UpstreamConnectionStatus.State = .stopped
        var connectedAt: ContinuousClock.Instant?
        var plannedClose = false
        var everConnected = false
        /// Lanes whose last response ended with an in-stream `error`: a trailing `response.failed` (or other
        /// lifecycle terminal) of that response may still arrive and must not reach the lane's next response.
        var expectingTrailer: Set<Int> = []
        var responsesServed = 0
        var reconnects = 0
        var lastError: String?
        /// In `backoff`: when the next connect attempt starts.
        var nextAttemptAt: ContinuousClock.Instant?
        /// Why reading the connection failed, when agentd knows better than the close that followed (a frame over
        /// `max_frame_bytes`, a frame that is not JSON): it wins over the generic reason of the connection's end.
        var readFailure: String?
    }

    /// A response streaming on a lane.
    struct ActiveResponse {
        var ticketID: UInt64
        var continuation: AsyncThrowingStream<String, any Error>.Continuation
        var frames = 0
        /// Frames that arrived after the run stopped reading (a cancel, or a response over its limits).
        var discarded = 0
        /// Steers sent on this response that keep its stream open until answered.
        var steer = SteerHold()
    }

    let configuration: UpstreamConfiguration
    let logger: Logger
    let clock = ContinuousClock()
    let origin: ContinuousClock.Instant
    private var scheduler: LaneScheduler
    private var slots: [Slot]
    /// Current epoch of each slot, read synchronously by lanes' `isUsable`.
    private var epochs: [SharedMutex<Int>]
    /// Connection slots in use (`0..<targetConnections`); slots beyond it drain and stop (see ``setConnections(_:)``).
    private var targetConnections: Int
    /// Slots whose ``maintainConnection(_:)`` task is running.
    private var maintained: Set<Int> = []
    /// Starts the maintenance task of an added slot while ``run()`` runs.
    private var slotStarts: AsyncStream<Int>.Continuation?
    var waiters: [UInt64: CheckedContinuation<LeaseTicket, any Error>] = [:]
    /// Requests waiting for an active slot, by waiter id.
    private var activations: [UInt64: CheckedContinuation<Void, any Error>] = [:]
    /// Set when a lease is taken over, read synchronously by its lane's `isUsable`; by ticket id, until released.
    private var revocations: [UInt64: SharedMutex<Bool>] = [:]
    var nextWaiterID: UInt64 = 1
    var running = false
    private var shutDown = false
    /// Observers of ``connectionEvents()``.
    private var eventSubscribers: [UInt64: AsyncStream<UpstreamConnectionEvent>.Continuation] = [:]
    private var nextSubscriberID: UInt64 = 1

    /// Creates a pool; nothing connects until ``run()``.
    /// - Parameters:
    ///   - configuration: where and how to connect.
    ///   - logger: receives connection events with `upstream.conn` metadata; the API key is never logged.
    public init(configuration: UpstreamConfiguration, logger: Logger) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "upstream.url"] = .string(configuration.redactedURL)
        self.logger = logger
        self.origin = clock.now
        self.scheduler = LaneScheduler(
            connections: configuration.connections,
            lanesPerConnection: configuration.effectiveLanesPerConnection,
            maxActivePerConnection: configuration.effectiveActiveResponsesPerConnection,
            takesOverIdleLanes: configuration.useLanes,
            turnsBeforeTakeover: configuration.turnsBeforeLaneTakeover,
            maxConnectionAge: configuration.maxConnectionAge,
            connectTimeout: configuration.connectTimeout,
            idleStreamTimeout: configuration.idleStreamTimeout,
            now: .zero
        )
        self.slots = Array(repeating: Slot(), count: configuration.connections)
        self.targetConnections = configuration.connections
        self.epochs = (0..<configuration.connections).map { _ in SharedMutex(0) }
    }

    /// Time on the scheduler's clock.
    var now: Duration { clock.now - origin }


    /// Posts `body` to `/responses/compact` over HTTP (WebSocket mode has no compact endpoint; see
    /// ``ResponsesUpstream/compact(_:)``).
    public func compact(_ body: String) async throws -> String {
        try await HTTPCompactor(configuration: configuration, group: MultiThreadedEventLoopGroup.singleton).compact(body)
    }

    // MARK: Running

    /// Opens the connections and keeps them open (reconnecting with backoff, rotating by age) until cancelled.
    ///
    /// On return every waiting lease and streaming response has failed with `.shutdown`.
    public func run() async throws {
        guard !running, !shutDown else { return }
        running = true
        let (starts, startContinuation) = AsyncStream.makeStream(of: Int.self)
        slotStarts = startContinuation
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<targetConnections {
                maintained.insert(index)
                group.addTask { await self.maintainConnection(index) }
            }
            group.addTask { await self.timerLoop() }
            // Ends when this task is cancelled.
            for await index in starts where !maintained.contains(index) {
                maintained.insert(index)
                group.addTask { await self.maintainConnection(index) }
            }
            await group.waitForAll()
        }
        slotStarts = nil
        shutdown()
    }

    private func timerLoop() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: configuration.tickInterval) } catch { return }
            perform(scheduler.tick(now: now))
        }
    }

    private func shutdown() {
        shutDown = true
        running = false
        for (_, waiter) in waiters {
            waiter.resume(throwing: UpstreamFailure(code: .shutdown, message: "the upstream pool stopped"))
        }
        waiters = [:]
        for (_, activation) in activations {
            activation.resume(throwing: UpstreamFailure(code: .shutdown, message: "the upstream pool stopped"))
        }
        activations = [:]
        for index in slots.indices {
            failActive(on: index) { frames in
                UpstreamFailure(code: .shutdown, message: "the upstream pool stopped", framesReceived: frames)
            }
            slots[index].state = .stopped
            slots[index].writer = nil
        }
        finishEventSubscribers()
    }

    // MARK: Leases

    /// Reserves a lane for `run`: at once when one is free (least-loaded connection first), otherwise in FIFO
    /// order as lanes are released.
    ///
    /// - Throws: ``UpstreamFailure`` `.connectFailed` when no connection is up for `connectTimeout`,
    ///   `.shutdown` when the pool stopped, `CancellationError` when the caller is cancelled.
    public func lease(for run: RunID) async throws -> any UpstreamLane {
        guard !shutDown else { throw UpstreamFailure(code: .shutdown, message: "the upstream pool stopped") }
        try Task.checkCancellation()
        let id = nextWaiterID
        nextWaiterID += 1
        switch scheduler.lease(run: run, waiter: id, now: now) {
        case .granted(let ticket):
            return makeLane(ticket)
        case .tookOver(let ticket, let revoked):
            perform([.revoked(revoked)])
            return makeLane(ticket)
        case .queued:
            logger.debug("lease queued", metadata: ["run.id": .string(run.rawValue)])
            let ticket = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    waiters[id] = continuation
                }
            } onCancel: {
                Task { await self.cancelWaiter(id) }
            }
            // Re-check after the await: the caller may have been cancelled just as the lane was granted.
            if Task.isCancelled {
                perform(scheduler.release(ticket, now: now))
                throw CancellationError()
            }
            return makeLane(ticket)
        }
    }

    private func cancelWaiter(_ id: UInt64) {
        guard scheduler.cancelWaiter(id), let waiter = waiters.removeValue(forKey: id) else { return }
        waiter.resume(throwing: CancellationError())
    }

    private func makeLane(_ ticket: LeaseTicket) -> PooledLane {
        let revoked = SharedMutex(false)
        revocations[ticket.id] = revoked
        return PooledLane(
            ticket: ticket,
            streamID: configuration.laneName(ticket.lane),
            pool: self,
            connectionEpoch: epochs[ticket.connection],
            revoked: revoked
        )
    }

    func release(_ ticket: LeaseTicket) {
        revocations[ticket.id] = nil
        perform(scheduler.release(ticket, now: now))
    }

    /// Pins `ticket`'s lane for its holder's next request; `false` when it was taken over or its connection is gone.
    func reserve(_ ticket: LeaseTicket) -> Bool {
        scheduler.pin(ticket, now: now)
    }

    // MARK: Actions

    func perform(_ actions: [LaneScheduler.Action]) {
        for action in actions {
            switch action {
            case .grant(let id, let ticket, let waited):
                guard let waiter = waiters.removeValue(forKey: id) else {
                    // The waiter vanished (cancelled between the scheduler and us): give the lane back.
                    perform(scheduler.release(ticket, now: now))
                    continue
                }
                logger.debug(
                    "lease granted after waiting",
                    metadata: meta(ticket.connection, ["upstream.wait_ms": "\(Int(waited.seconds * 1000))"])
                )
                waiter.resume(returning: ticket)
            case .revoked(let ticket):
                revocations.removeValue(forKey: ticket.id)?.exchange(true)
                logger.debug("idle lane taken over", metadata: meta(ticket.connection, ["upstream.lane": "\(ticket.lane)"]))
            case .activate(let id, let ticket, _):
                guard let activation = activations.removeValue(forKey: id) else {
                    // The sender vanished (cancelled between the scheduler and us): give the slot back.
                    perform(scheduler.endResponse(connection: ticket.connection, lane: ticket.lane, now: now))
                    continue
                }
                activation.resume()
            case .failActivation(let id):
                activations.removeValue(forKey: id)?.resume(throwing: Self.staleLease)
            case .failWaiter(let id):
                guard let waiter = waiters.removeValue(forKey: id) else { continue }
                let last = slots.compactMap(\.lastError).last.map { " (last error: \($0))" } ?? ""
                waiter.resume(
                    throwing: UpstreamFailure(
                        code: .connectFailed,
                        message: "no connection to \(configuration.redactedURL) within \(configuration.connectTimeout)"
                            + last
                    )
                )
            case .epochChanged(let c, let epoch):
                epochs[c].exchange(epoch)
                if slots[c].writer != nil { slots[c].state = .draining }
            case .failIdleResponse(let c, let lane):
                guard let response = slots[c].active.removeValue(forKey: lane) else { continue }
                logger.warning("response idle too long; dropping the connection", metadata: meta(c, [:]))
                slots[c].lastError = "idle stream timeout"
                response.continuation.finish(
                    throwing: UpstreamFailure(
                        code: .idleTimeout,
                        message: "no frame within \(configuration.idleStreamTimeout)",
                        framesReceived: response.frames
                    )
                )
            case .close(let c, let reason):
                logger.info("closing connection", metadata: meta(c, ["upstream.reason": "\(reason)"]))
                if reason == .maxAge || reason == .removed { slots[c].plannedClose = true }
                failActive(on: c) { frames in
                    UpstreamFailure(
                        code: .connectionLost,
                        message: "the connection was closed (\(reason))",
                        framesReceived: frames
                    )
                }
                slots[c].kill?.yield()
            }
        }
    }

    func failActive(on c: Int, _ failure: (Int) -> UpstreamFailure) {
        let active = slots[c].active
        slots[c].active = [:]
        for (lane, response) in active.sorted(by: { $0.key < $1.key }) {
            response.continuation.finish(throwing: failure(response.frames))
            perform(scheduler.endResponse(connection: c, lane: lane, now: now))
        }
    }

    func meta(_ c: Int, _ extra: Logger.Metadata) -> Logger.Metadata {
        extra.merging(["upstream.conn": "\(c)"]) { a, _ in a }
    }

    // MARK: Status

    /// A snapshot of every connection slot.
    public func status() -> [UpstreamConnectionStatus] {
        // Removed slots are listed until their connection has closed.
        slots.indices.filter { $0 < targetConnections || slots[$0].state != .stopped }.map { c in
            let slot = slots[c]
            let schedulerConnection = scheduler.connections[c]
            return UpstreamConnectionStatus(
                id: c,
                state: slot.state,
                age: slot.connectedAt.map { clock.now - $0 },
                lanesInUse: schedulerConnection.lanesHeld,
                responsesInFlight: slot.active.count,
                responsesServed: slot.responsesServed,
                reconnects: slot.reconnects,
                lastError: slot.lastError,
                nextAttemptIn: slot.state == .backoff ? slot.nextAttemptAt.map { max(.zero, $0 - clock.now) } : nil
            )
        }
    }

    /// Why a lease waits now: no slot is connected and the latest attempt failed (`nil` otherwise).
    ///
    /// `async` like the requirement: a synchronous one would lose, in async callers, to the protocol's default.
    public func connectionTrouble() async -> UpstreamTrouble? {
        let inUse = slots.indices.filter { $0 < targetConnections }
        let open: Set<UpstreamConnectionStatus.State> = [.connected, .draining]
        guard !shutDown, !inUse.isEmpty, inUse.allSatisfy({ !open.contains(slots[$0].state) }) else { return nil }
        guard let error = inUse.compactMap({ slots[$0].lastError }).last else { return nil }
        let next = inUse.compactMap { slots[$0].state == .backoff ? slots[$0].nextAttemptAt : nil }.min()
        return UpstreamTrouble(
            message: "no connection to \(configuration.redactedURL) (\(error))",
            nextAttemptMillis: next.map { Int(max(.zero, $0 - clock.now) / .milliseconds(1)) } ?? 0)
    }

    /// Statistics of the lease queue.
    public func queueStats() -> UpstreamQueueStats {
        let stats = scheduler.stats
        return UpstreamQueueStats(
            waiting: scheduler.waiters.count,
            leasesGranted: stats.leasesGranted,
            leasesQueued: stats.leasesQueued,
            totalWait: stats.totalWait,
            lastWait: stats.lastWait,
            maxWait: stats.maxWait,
            waitingForSlot: scheduler.connections.map(\.queued.count).reduce(0, +),
            lanesTakenOver: stats.lanesTakenOver,
            responsesStarted: stats.responsesStarted,
            responsesQueued: stats.responsesQueued,
            responseTotalWait: stats.responseTotalWait,
            responseMaxWait: stats.responseMaxWait
        )
    }
}

// MARK: - Connection

extension WebSocketPool {
    /// Why one connection attempt ended.
    private enum AttemptEnd: Error {
        case connectTimeout
        case killed
        /// An open connection ended with no close frame from the server: our ping went unanswered for a whole
        /// ping interval (a frozen or half-open peer), or the TCP connection dropped.
        case endedWithoutCloseFrame
    }

    private enum ChildResult: Sendable {
        case clientEnded
        case other
    }

    /// Keeps slot `c` connected until cancelled: connect, serve, and reconnect (at once after a planned close,
    /// otherwise with backoff).
    func maintainConnection(_ c: Int) async {
        var backoff = ReconnectBackoff(policy: configuration.backoff)
        var random = SystemRandomNumberGenerator()
        // The answer to the first declined upgrade of the current failure streak.
        var lastRefusal: UpgradeRefusal?
        var probed = false
        defer { maintained.remove(c) }
        while !Task.isCancelled, c < targetConnections {
            let (killSignal, kill) = AsyncStream.makeStream(of: Void.self)
            let attempt = beginAttempt(c, kill: kill)
            let error = await connectOnce(c, attempt: attempt, killSignal: killSignal)
            var refusal: UpgradeRefusal? = nil
            if let declined = error as? WebSocketClientError, declined == .webSocketUpgradeFailed, !Task.isCancelled {
                if !probed {
                    probed = true
                    // The client does not say why; ask again over plain HTTP to learn the status (426 ⇒ use SSE).
                    // Only once per failure streak: a probe is one more upgrade request for a struggling server.
                    lastRefusal = await UpgradeProbe.run(
                        configuration: configuration, group: MultiThreadedEventLoopGroup.singleton)
                }
                refusal = lastRefusal
            }
            let (wasUp, planned) = attemptEnded(
                c, attempt: attempt, error: error, refusal: refusal, cancelled: Task.isCancelled)
            if Task.isCancelled { return }
            if c >= targetConnections {
                // Removed from the pool (a reload lowered `upstream.connections`).
                slots[c].state = .stopped
                return
            }
            if wasUp {
                backoff.reset()
                lastRefusal = nil
                probed = false
            }
            if planned { continue }
            let delay = backoff.nextDelay(using: &random)
            slots[c].state = .backoff
            slots[c].nextAttemptAt = clock.now + delay
            logger.debug("reconnecting after backoff", metadata: meta(c, ["upstream.delay_ms": "\(Int(delay.seconds * 1000))"]))
            do { try await Task.sleep(for: delay) } catch { return }
        }
    }

    /// Reading attempt `attempt` of slot `c` failed: remembers why in words, and fails its responses at once as a
    /// protocol violation (the close that follows would only say the connection ended).
    func readFailed(_ c: Int, attempt: UInt64, reason: String) {
        guard slots[c].attempt == attempt, slots[c].readFailure == nil else { return }
        protocolViolation(on: c, reason)
    }

    /// What a connection that received a message over `max_frame_bytes` reports.
    nonisolated static func tooLarge(_ configuration: UpstreamConfiguration) -> String {
        "the server sent a message larger than upstream.max_frame_bytes (\(configuration.maxFrameSize) bytes)"
    }

    /// Fails every response of connection `c` with `reason` as a protocol violation and replaces the connection.
    func protocolViolation(on c: Int, _ reason: String) {
        slots[c].readFailure = reason
        slots[c].lastError = reason
        logger.warning("upstream protocol violation; replacing the connection", metadata: meta(c, ["upstream.error": "\(reason)"]))
        failActive(on: c) { frames in
            UpstreamFailure(code: .protocolViolation, message: reason, framesReceived: frames)
        }
        perform(scheduler.retire(c, reason: .connectionError, now: now))
    }

    private func beginAttempt(_ c: Int, kill: AsyncStream<Void>.Continuation) -> UInt64 {
        slots[c].readFailure = nil
        slots[c].attempt += 1
        slots[c].kill = kill
        slots[c].plannedClose = false
        slots[c].state = .connecting
        return slots[c].attempt
    }

    /// Runs one WebSocket connection to its end; returns the error that ended it, if any.
    private nonisolated func connectOnce(_ c: Int, attempt: UInt64, killSignal: AsyncStream<Void>) async -> (any Error)? {
        let configuration = self.configuration
        var quietLogger = logger
        quietLogger[metadataKey: "upstream.conn"] = "\(c)"
        // The WebSocket library traces frames at debug/trace; keep it quieter than our own logger.
        quietLogger.logLevel = max(quietLogger.logLevel, .info)
        let wsLogger = quietLogger
        let handler: WebSocketDataHandler<WebSocketClient.Context> = { inbound, outbound, _ in
            guard await self.connectionOpened(c, attempt: attempt, writer: outbound) else { return }
            do {
                for try await message in inbound.messages(maxSize: configuration.maxFrameSize) {
                    guard case .text(let text) = message else { continue }
                    // The library checks a single frame against its own limit only (twice ours, see
                    // `clientConfiguration`); over ours is a protocol violation agentd can name.
                    guard text.utf8.count <= configuration.maxFrameSize else {
                        await self.readFailed(c, attempt: attempt, reason: Self.tooLarge(configuration))
                        return
                    }
                    let header = FrameHeader(parsing: text)
                    await self.received(text, header: header, connection: c, attempt: attempt)
                }
            } catch {
                // The library's error for an oversized fragmented message is package-internal; its description
                // names the close code. Other errors (a cancel, a closed channel) are the connection's end as usual.
                if String(describing: error).contains("messageTooLarge") {
                    await self.readFailed(c, attempt: attempt, reason: Self.tooLarge(configuration))
                }
                throw error
            }
        }
        do {
            try await withThrowingTaskGroup(of: ChildResult.self) { group in
                group.addTask {
                    let client = WebSocketClient(
                        url: configuration.url.absoluteString,
                        configuration: Self.clientConfiguration(configuration),
                        logger: wsLogger,
                        handler: handler
                    )
                    let closeFrame = try await client.run()
                    if closeFrame == nil, await self.isOpen(c, attempt: attempt) { throw AttemptEnd.endedWithoutCloseFrame }
                    return .clientEnded
                }
                group.addTask {
                    try await Task.sleep(for: configuration.connectTimeout)
                    if await !self.isOpen(c, attempt: attempt) { throw AttemptEnd.connectTimeout }
                    return .other
                }
                group.addTask {
                    for await _ in killSignal { throw AttemptEnd.killed }
                    return .other
                }
                while let result = try await group.next() {
                    if case .clientEnded = result { break }
                }
                group.cancelAll()
            }
            return nil
        } catch {
            return error
        }
    }

    static func clientConfiguration(_ configuration: UpstreamConfiguration) -> WebSocketClientConfiguration {
        var ws = WebSocketClientConfiguration(
            // The library closes the connection without a word on a frame over its own limit (it reads as a dropped
            // connection), so it gets twice ours: a message over `max_frame_bytes` then fails in `messages(maxSize:)`,
            // where agentd can say so. A frame over twice the limit still ends the connection unexplained.
            maxFrameSize: min(configuration.maxFrameSize * 2, 1 << 31),
            autoPing: configuration.pingInterval.map { .enabled(timePeriod: $0) } ?? .disabled
        )
        ws.additionalHeaders[.userAgent] = UpstreamConfiguration.userAgent
        if let apiKey = configuration.apiKey {
            ws.additionalHeaders[.authorization] = "Bearer \(apiKey)"
        }
        if let organization = configuration.organization {
            ws.additionalHeaders[.init("OpenAI-Organization")!] = organization
        }
        if let project = configuration.project {
            ws.additionalHeaders[.init("OpenAI-Project")!] = project
        }
        for (name, value) in configuration.extraHeaders.sorted(by: { $0.key < $1.key })
        where UpstreamConfiguration.isHeaderName(name) {
            ws.additionalHeaders[.init(name)!] = value
        }
        return ws
    }

    func isOpen(_ c: Int, attempt: UInt64) -> Bool {
        slots[c].attempt == attempt && slots[c].writer != nil
    }

    /// The handshake of attempt `attempt` succeeded: lanes of slot `c` become available.
    func connectionOpened(_ c: Int, attempt: UInt64, writer: WebSocketOutboundWriter) -> Bool {
        guard slots[c].attempt == attempt, !shutDown, !Task.isCancelled, c < targetConnections else { return false }
        slots[c].writer = writer
        slots[c].expectingTrailer = []
        slots[c].state = .connected
        slots[c].connectedAt = clock.now
        if slots[c].everConnected { slots[c].reconnects += 1 }
        slots[c].everConnected = true
        slots[c].lastError = nil
        logger.info("upstream connection open", metadata: meta(c, ["upstream.reconnects": "\(slots[c].reconnects)"]))
        perform(scheduler.connectionUp(c, now: now))
        emit(.opened(connection: c))
        return true
    }

    /// Attempt `attempt` of slot `c` is over: fail what streamed on it and make its leases stale.
    /// - Returns: whether the connection had opened, and whether the close was planned (reconnect at once).
    private func attemptEnded(
        _ c: Int, attempt: UInt64, error: (any Error)?, refusal: UpgradeRefusal?, cancelled: Bool
    ) -> (Bool, Bool) {
        let wasUp = slots[c].writer != nil || slots[c].state == .draining
        let planned = slots[c].plannedClose
        slots[c].writer = nil
        slots[c].kill = nil
        slots[c].connectedAt = nil
        if slots[c].readFailure == nil, let error = error as? WebSocketClientError {
            // The library ends the connection itself for these; without this they read as a dropped connection.
            if error == .serverSentMessageTooLarge {
                slots[c].readFailure = Self.tooLarge(configuration)
            } else if error == .serverSentDataInconsistentWithMessage {
                slots[c].readFailure = "the server sent a text frame that is not valid UTF-8"
            } else if error == .serverProtocolError {
                slots[c].readFailure = "the server broke the WebSocket protocol"
            }
        }
        // Our own stop (the pool's task cancelled, or shut down) is not an error: logging it as one made every
        // clean stop say `upstream.error=CancellationError()`.
        let stopped = (cancelled || shutDown) && (error is CancellationError || error is AttemptEnd)
        if let failure = slots[c].readFailure {
            slots[c].lastError = failure
        } else if let error, !stopped, !(error is AttemptEnd && planned) {
            switch error {
            case AttemptEnd.connectTimeout:
                slots[c].lastError = "connect timed out after \(configuration.connectTimeout)"
            case AttemptEnd.killed:
                break
            case AttemptEnd.endedWithoutCloseFrame:
                slots[c].lastError =
                    "the connection ended without a close frame (no pong within the ping interval, a dropped TCP connection, "
                    + "or a frame over twice upstream.max_frame_bytes)"
                    + (configuration.pingInterval.map { "; ping interval \($0)" } ?? "")
            case _ where refusal != nil:
                slots[c].lastError = refusal?.description
            default:
                slots[c].lastError = UpstreamErrorText.describe(error)
            }
        } else if error == nil, wasUp, !planned, slots[c].lastError == nil {
            slots[c].lastError = "closed by the server"
        }
        // Leases go stale before their streams fail, so a consumer that sees the failure also sees `isUsable` false.
        perform(scheduler.connectionDown(c, now: now))
        let violation = cancelled || shutDown ? nil : slots[c].readFailure
        let code: UpstreamFailure.Code =
            cancelled || shutDown ? .shutdown : violation != nil ? .protocolViolation : .connectionLost
        failActive(on: c) { frames in
            UpstreamFailure(
                code: code,
                message: violation
                    ?? (code == .shutdown ? "the upstream pool stopped" : "the connection dropped mid-response"),
                framesReceived: frames
            )
        }
        if wasUp {
            var metadata: Logger.Metadata = ["upstream.planned": "\(planned)"]
            if let lastError = slots[c].lastError { metadata["upstream.error"] = "\(lastError)" }
            logger.info("upstream connection closed", metadata: meta(c, metadata))
            emit(.closed(connection: c, planned: planned))
        } else {
            logger.warning("upstream connect failed", metadata: meta(c, ["upstream.error": "\(slots[c].lastError ?? "none")"]))
            if !cancelled, !shutDown, c < targetConnections {
                emit(.connectFailed(connection: c, refusal: refusal, message: slots[c].lastError ?? "connect failed"))
            }
        }
        return (wasUp, planned)
    }
}

// MARK: - Events

extension WebSocketPool {
    /// A stream of connection events from now on (opened, failed to connect, closed), for observers such as
    /// ``AutoUpstream``'s fallback decision. Ends when the pool stops; cancel the iteration to unsubscribe.
    public func connectionEvents() -> AsyncStream<UpstreamConnectionEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: UpstreamConnectionEvent.self)
        guard !shutDown else {
            continuation.finish()
            return stream
        }
        let id = nextSubscriberID
        nextSubscriberID += 1
        eventSubscribers[id] = continuation
        continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
        return stream
    }

    private func unsubscribe(_ id: UInt64) {
        eventSubscribers[id] = nil
    }

    func emit(_ event: UpstreamConnectionEvent) {
        for subscriber in eventSubscribers.values { subscriber.yield(event) }
    }

    func finishEventSubscribers() {
        let subscribers = eventSubscribers
        eventSubscribers = [:]
        for subscriber in subscribers.values { subscriber.finish() }
    }
}

// MARK: - Resize

extension WebSocketPool {
    /// Changes the number of connections while the pool runs (`upstream.connections` on a reload).
    ///
    /// Growing adds slots that connect at once. Shrinking removes the highest slots the way rotation replaces an old
    /// connection: their leases go stale at once (each run moves at its next turn and rebuilds its input from its
    /// ledger), a response in flight finishes, then the connection closes and is not reopened.
    /// - Parameter count: the new number of connections (at least one).
    public func setConnections(_ count: Int) {
        let count = max(1, count)
        let old = targetConnections
        guard count != old else { return }
        targetConnections = count
        logger.info("upstream connections changed", metadata: ["upstream.connections": "\(old) -> \(count)"])
        if count > old {
            for c in old..<count {
                scheduler.addConnection(c)
                if c >= slots.count {
                    slots.append(Slot())
                    epochs.append(SharedMutex(0))
                }
                // A slot still draining from an earlier shrink keeps its task, which now reconnects it.
                if running, !maintained.contains(c) { slotStarts?.yield(c) }
            }
        } else {
            for c in count..<old {
                perform(scheduler.removeConnection(c, now: now))
                // A slot that is not connected stops at once; one waiting in backoff stops when it wakes.
                if slots[c].writer == nil, slots[c].state == .connecting { slots[c].kill?.yield() }
            }
        }
    }

    /// Connection slots in use now.
    public var connectionCount: Int { targetConnections }
}

// MARK: - Responses

extension WebSocketPool {
    /// The failure of a request whose lease went stale (its connection was replaced, or its idle lane taken over).
    static let staleLease = UpstreamFailure(
        code: .connectionLost,
        message: "the connection or lane behind this lease was replaced; lease again and resend the full context"
    )

    /// Sends `frame` on `ticket`'s lane once the connection has an active slot free (waiting in FIFO order), and
    /// returns the response's frames.
    func send(_ frame: String, on ticket: LeaseTicket) async throws -> AsyncThrowingStream<String, any Error> {
        let c = ticket.connection
        let id = nextWaiterID
        nextWaiterID += 1
        switch scheduler.beginResponse(ticket, waiter: id, now: now) {
        case .stale:
            throw Self.staleLease
        case .busy:
            throw UpstreamLaneError(
                code: .responseInFlight,
                message: "lane \(configuration.laneName(ticket.lane) ?? "default") still has a response in flight"
            )
        case .queued:
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    activations[id] = continuation
                }
            } onCancel: {
                Task { await self.cancelActivation(id) }
            }
            // Re-check after the await: the caller may have been cancelled just as the slot was granted, and the
            // connection may have gone since.
            if Task.isCancelled {
                perform(scheduler.endResponse(connection: c, lane: ticket.lane, now: now))
                throw CancellationError()
            }
            guard scheduler.isCurrent(ticket), scheduler.connections[c].inFlight[ticket.lane] != nil else {
                throw Self.staleLease
            }
        case .proceed:
            break
        }
        guard let writer = slots[c].writer else {
            perform(scheduler.endResponse(connection: c, lane: ticket.lane, now: now))
            throw UpstreamFailure(code: .connectionLost, message: "the connection is not open")
        }
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: String.self)
        // Registered before writing so that no frame of the response can arrive unrouted.
        slots[c].active[ticket.lane] = ActiveResponse(ticketID: ticket.id, continuation: continuation)
        let attempt = slots[c].attempt
        do {
            try await writer.write(.text(frame))
        } catch {
            // Re-check after the await: the connection may have ended (and failed the response) meanwhile.
            if slots[c].attempt == attempt, slots[c].active[ticket.lane]?.ticketID == ticket.id {
                slots[c].active[ticket.lane] = nil
                perform(scheduler.endResponse(connection: c, lane: ticket.lane, now: now))
            }
            if slots[c].attempt == attempt, scheduler.connections[c].phase == .up {
                // The socket is gone: stop granting its lanes now, not only once its reader notices (runs retrying
                // at once would otherwise spin on it).
                slots[c].lastError = "writing a request failed: \(error)"
                perform(scheduler.retire(c, reason: .connectionError, now: now))
            }
            throw UpstreamFailure(code: .connectionLost, message: "writing the request failed: \(error)")
        }
        return stream
    }

    private func cancelActivation(_ id: UInt64) {
        guard scheduler.cancelActivation(id), let activation = activations.removeValue(forKey: id) else { return }
        activation.resume(throwing: CancellationError())
    }

    /// Routes one inbound text frame of connection `c` to the response streaming on its lane.
    func received(_ text: String, header: FrameHeader, connection c: Int, attempt: UInt64) {
        guard slots[c].attempt == attempt, slots[c].writer != nil else { return }
        guard header.type != nil else {
            // Not a JSON event: whichever response it belonged to may now wait for ever for a terminal frame lost in
            // it, so the connection is failed at once (a lying or broken server, or a proxy that cut a frame).
            let excerpt = String(text.prefix(60).unicodeScalars.map { $0.value < 0x20 ? "?" : Character($0) })
            protocolViolation(
                on: c,
                "the server sent a frame that is not a JSON event (\(text.utf8.count) bytes, starting \(excerpt.debugDescription))"
            )
            return
        }
        let lane: Int
        if let streamID = header.streamID {
            guard let index = laneIndex(streamID) else {
                logger.debug("frame for an unknown stream_id dropped", metadata: meta(c, ["upstream.type": "\(header.type ?? "?")"]))
                return
            }
            lane = index
        } else if header.type == UpstreamEventType.error, !header.isConnectionScopedError, configuration.useLanes,
            !header.hasSequenceNumber,
            case .fail(let lanes) = UnattributedErrorRouting.route(framesByLane: slots[c].active.mapValues(\.frames))
        {
            logger.info(
                "error frame without stream_id fails only the responses not yet started",
                metadata: meta(c, ["upstream.error_code": "\(header.errorCode ?? "none")", "upstream.lanes": "\(lanes)"]))
            for lane in lanes { endResponse(onLane: lane, connection: c, with: text) }
            return
        } else if header.isConnectionScopedError
            || (header.type == UpstreamEventType.error && (configuration.useLanes || slots[c].active[0] == nil))
        {
            // An error no lane can own concerns the connection (e.g. the 60-minute limit, possibly unsolicited).
            logger.info(
                "connection-scoped error frame; replacing the connection",
                metadata: meta(c, ["upstream.error_code": "\(header.errorCode ?? "none")"])
            )
            slots[c].lastError = "server error frame: \(header.errorCode ?? "no code")"
            slots[c].plannedClose = header.isConnectionScopedError
            perform(scheduler.retire(c, reason: .connectionError, now: now))
            return
        } else if !configuration.useLanes {
            lane = 0
        } else {
            logger.trace("frame without stream_id dropped", metadata: meta(c, ["upstream.type": "\(header.type ?? "?")"]))
            return
        }
        if slots[c].expectingTrailer.remove(lane) != nil, header.isResponseTerminal {
            // Lanes are FIFO, so this terminal belongs to the response the in-stream error already ended.
            logger.debug("trailing terminal of an errored response dropped", metadata: meta(c, ["upstream.lane": "\(lane)"]))
            return
        }
        guard var response = slots[c].active[lane] else {
            logger.debug("frame for an idle lane dropped", metadata: meta(c, ["upstream.lane": "\(lane)"]))
            return
        }
        response.frames += 1
        if case .terminated = response.continuation.yield(text), !header.isTerminal {
            // The run stopped reading (a cancel, or a response over its limits): nothing buffers its frames. Closing
            // the connection is the only way to stop a response, and it costs the other lanes their chains, so a
            // short tail is let through; a response that goes on (a flood, a trickle) takes the connection down.
            response.discarded += 1
            if response.discarded > Self.abandonedResponseFrameBudget {
                slots[c].lastError = "a response its run abandoned kept streaming (\(response.discarded) frames discarded)"
                logger.warning(
                    "abandoned response still streaming; replacing the connection",
                    metadata: meta(c, ["upstream.lane": "\(lane)"]))
                perform(scheduler.retire(c, reason: .connectionError, now: now))
                return
            }
        }
        let steered = header.type == UpstreamEventType.incomplete && Self.isSteeredIncomplete(text)
        let hardEnd = header.isInStreamError || header.type == UpstreamEventType.failed
        if response.steer.observe(header.type, steeredIncomplete: steered, endsResponseHard: hardEnd) {
            if header.isInStreamError { slots[c].expectingTrailer.insert(lane) }
            response.continuation.finish()
            slots[c].active[lane] = nil
            slots[c].responsesServed += 1
            perform(scheduler.endResponse(connection: c, lane: lane, now: now))
        } else {
            slots[c].active[lane] = response
            scheduler.frameReceived(connection: c, lane: lane, now: now)
        }
    }

    /// Ends the response on `lane` of connection `c` with `frame` as its terminal frame.
    private func endResponse(onLane lane: Int, connection c: Int, with frame: String) {
        guard let response = slots[c].active[lane] else { return }
        response.continuation.yield(frame)
        response.continuation.finish()
        slots[c].active[lane] = nil
        slots[c].responsesServed += 1
        perform(scheduler.endResponse(connection: c, lane: lane, now: now))
    }

    /// Frames of a response its run no longer reads that are discarded before the connection is replaced.
    static let abandonedResponseFrameBudget = 256

    private func laneIndex(_ streamID: String) -> Int? {
        guard configuration.useLanes, streamID.first == "l", let index = Int(streamID.dropFirst()),
            index >= 0, index < configuration.effectiveLanesPerConnection, streamID == "l\(index)"
        else { return nil }
        return index
    }
}

// MARK: - Steering

extension WebSocketPool {
    /// Writes a `response.steer` frame for the response streaming on `ticket`'s lane.
    ///
    /// The steer is counted before the write so that its answer, which may arrive before the write returns, keeps
    /// the response's stream open (see ``SteerHold``).
    func steer(_ frame: String, on ticket: LeaseTicket) async -> SteerSubmission {
        let c = ticket.connection
        guard var response = slots[c].active[ticket.lane], response.ticketID == ticket.id,
            response.steer.acceptsSteers, let writer = slots[c].writer
        else { return .notStreaming }
        response.steer.steerSent()
        slots[c].active[ticket.lane] = response
        do {
            try await writer.write(.text(frame))
            return .sent
        } catch {
            // Re-check after the await: the connection may have ended (and failed the response) meanwhile.
            if var current = slots[c].active[ticket.lane], current.ticketID == ticket.id {
                current.steer.steerNotWritten()
                slots[c].active[ticket.lane] = current
            }
            logger.debug("writing a steer failed", metadata: meta(c, ["upstream.error": "\(error)"]))
            return .notStreaming
        }
    }

    /// Whether `text` is a `response.incomplete` that ended only to apply steered input.
    static func isSteeredIncomplete(_ text: String) -> Bool {
        guard let frame = try? JSONValue.parse(text) else { return false }
        return frame["response"]?["incomplete_details"]?["reason"]?.stringValue == SteerEventType.steeredReason
    }
}
