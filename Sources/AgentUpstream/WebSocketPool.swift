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
    var scheduler: LaneScheduler
    var slots: [Slot]
    /// Current epoch of each slot, read synchronously by lanes' `isUsable`.
    var epochs: [SharedMutex<Int>]
    /// Connection slots in use (`0..<targetConnections`); slots beyond it drain and stop (see ``setConnections(_:)``).
    var targetConnections: Int
    /// Slots whose ``maintainConnection(_:)`` task is running.
    var maintained: Set<Int> = []
    /// Starts the maintenance task of an added slot while ``run()`` runs.
    var slotStarts: AsyncStream<Int>.Continuation?
    var waiters: [UInt64: CheckedContinuation<LeaseTicket, any Error>] = [:]
    /// Requests waiting for an active slot, by waiter id.
    var activations: [UInt64: CheckedContinuation<Void, any Error>] = [:]
    /// Set when a lease is taken over, read synchronously by its lane's `isUsable`; by ticket id, until released.
    var revocations: [UInt64: SharedMutex<Bool>] = [:]
    var nextWaiterID: UInt64 = 1
    var running = false
    var shutDown = false
    /// Observers of ``connectionEvents()``.
    var eventSubscribers: [UInt64: AsyncStream<UpstreamConnectionEvent>.Continuation] = [:]
    var nextSubscriberID: UInt64 = 1

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
