import AgentModel
import Foundation
import Logging
import WSClient

/// A pool of WebSocket connections to the Responses API, shared by runs through leased lanes.
///
/// Connections are opened by ``run()`` (which owns them in a task group until cancelled), so the first run pays
/// no handshake. Each connection carries up to `lanesPerConnection` named lanes (`stream_id` `l0`…`l15`); a run
/// leases a lane and keeps it between turns, because the server caches the latest response per lane and
/// connection. Policy (lanes, the fair queue, rotation, deadlines) lives in the pure ``LaneScheduler``; this actor
/// carries out its actions and owns the sockets.
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
    }

    /// A response streaming on a lane.
    struct ActiveResponse {
        var ticketID: UInt64
        var continuation: AsyncThrowingStream<String, any Error>.Continuation
        var frames = 0
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
    let epochs: [LockedBox<Int>]
    var waiters: [UInt64: CheckedContinuation<LeaseTicket, any Error>] = [:]
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
            maxConnectionAge: configuration.maxConnectionAge,
            connectTimeout: configuration.connectTimeout,
            idleStreamTimeout: configuration.idleStreamTimeout,
            now: .zero
        )
        self.slots = Array(repeating: Slot(), count: configuration.connections)
        self.epochs = (0..<configuration.connections).map { _ in LockedBox(0) }
    }

    /// Time on the scheduler's clock.
    var now: Duration { clock.now - origin }

    // MARK: Running

    /// Opens the connections and keeps them open (reconnecting with backoff, rotating by age) until cancelled.
    ///
    /// On return every waiting lease and streaming response has failed with `.shutdown`.
    public func run() async throws {
        guard !running, !shutDown else { return }
        running = true
        await withTaskGroup(of: Void.self) { group in
            for index in slots.indices {
                group.addTask { await self.maintainConnection(index) }
            }
            group.addTask { await self.timerLoop() }
            await group.waitForAll()
        }
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
        PooledLane(
            ticket: ticket,
            streamID: configuration.laneName(ticket.lane),
            pool: self,
            connectionEpoch: epochs[ticket.connection]
        )
    }

    func release(_ ticket: LeaseTicket) {
        perform(scheduler.release(ticket, now: now))
    }

    // MARK: Responses

    func send(_ frame: String, on ticket: LeaseTicket) async throws -> AsyncThrowingStream<String, any Error> {
        let c = ticket.connection
        switch scheduler.beginResponse(ticket, now: now) {
        case .stale:
            throw UpstreamFailure(
                code: .connectionLost,
                message: "the connection behind this lane was replaced; lease again and resend the full context"
            )
        case .busy:
            throw UpstreamLaneError(
                code: .responseInFlight,
                message: "lane \(configuration.laneName(ticket.lane) ?? "default") still has a response in flight"
            )
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
            throw UpstreamFailure(code: .connectionLost, message: "writing the request failed: \(error)")
        }
        return stream
    }

    /// Routes one inbound text frame of connection `c` to the response streaming on its lane.
    func received(_ text: String, header: FrameHeader, connection c: Int, attempt: UInt64) {
        guard slots[c].attempt == attempt, slots[c].writer != nil else { return }
        let lane: Int
        if let streamID = header.streamID {
            guard let index = laneIndex(streamID) else {
                logger.debug("frame for an unknown stream_id dropped", metadata: meta(c, ["upstream.type": "\(header.type ?? "?")"]))
                return
            }
            lane = index
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
        response.continuation.yield(text)
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

    private func laneIndex(_ streamID: String) -> Int? {
        guard configuration.useLanes, streamID.first == "l", let index = Int(streamID.dropFirst()),
            index >= 0, index < configuration.effectiveLanesPerConnection, streamID == "l\(index)"
        else { return nil }
        return index
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
                if reason == .maxAge { slots[c].plannedClose = true }
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
        slots.indices.map { c in
            let slot = slots[c]
            let schedulerConnection = scheduler.connections[c]
            return UpstreamConnectionStatus(
                id: c,
                state: slot.state,
                age: slot.connectedAt.map { clock.now - $0 },
                lanesInUse: schedulerConnection.leases.compactMap { $0 }.count,
                responsesInFlight: slot.active.count,
                responsesServed: slot.responsesServed,
                reconnects: slot.reconnects,
                lastError: slot.lastError
            )
        }
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
            maxWait: stats.maxWait
        )
    }
}
