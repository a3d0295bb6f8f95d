import AgentModel

/// One granted lease: a lane of a connection, valid while the connection's epoch is unchanged and the lane was not
/// taken over by another run.
struct LeaseTicket: Hashable, Sendable {
    /// Unique per pool.
    var id: UInt64
    /// Connection slot index.
    var connection: Int
    /// Lane index on that connection (`l<lane>`).
    var lane: Int
    /// Epoch of the connection when granted; a reconnect or retirement bumps it.
    var epoch: Int
}

/// The pool's scheduling policy as a pure state machine: named lanes held by runs between turns, a bounded number
/// of *active* responses per connection, the FIFO queues of runs waiting for a lane and for an active slot,
/// connection up/down/draining, rotation by age, idle-stream and connect deadlines.
///
/// A run leases a named lane and keeps it between turns (the server caches its latest response per lane), but only
/// counts against the connection's active limit while a response is in flight. When every lane is held, a lease
/// takes over the least recently used lane whose run is between turns (not pinned) and has had
/// `turnsBeforeTakeover` responses on it: that run's ticket is revoked
/// and it leases again with its input rebuilt, because the cache it relied on now belongs to another run.
///
/// Time is a `Duration` since an arbitrary origin, passed in by the caller (a manual clock in tests).
/// Methods return small action lists for the pool actor to carry out.
struct LaneScheduler: Sendable {
    /// Lifecycle of one connection slot as the scheduler sees it.
    enum Phase: Equatable, Sendable {
        /// Not connected (connecting, or in backoff).
        case down
        /// Connected and accepting leases.
        case up
        /// Being retired: no new leases or responses; closed once nothing is in flight.
        case draining
    }

    /// Why the scheduler asks for a connection to be closed.
    enum CloseReason: Equatable, Sendable {
        case maxAge
        /// The pool shrank (`upstream.connections` lowered on reload).
        case removed
        case idleTimeout
        case connectionError
    }

    /// Work for the pool actor.
    enum Action: Equatable, Sendable {
        /// Hand `ticket` to waiter `waiter`, who waited `waited`.
        case grant(waiter: UInt64, ticket: LeaseTicket, waited: Duration)
        /// Fail waiter `waiter`: no connection came up within the connect timeout.
        case failWaiter(UInt64)
        /// Leases of `connection` granted before `epoch` are no longer usable.
        case epochChanged(connection: Int, epoch: Int)
        /// `ticket`'s lane was given to another run while idle: its holder must lease again and restart its chain.
        case revoked(LeaseTicket)
        /// Let the request of waiter `waiter` go out on `ticket`'s lane (an active slot came free after `waited`).
        case activate(waiter: UInt64, ticket: LeaseTicket, waited: Duration)
        /// Fail the queued request of waiter `waiter`: its lease went stale before an active slot came free.
        case failActivation(UInt64)
        /// Fail the response streaming on `lane` of `connection` with an idle timeout.
        case failIdleResponse(connection: Int, lane: Int)
        /// Close `connection` (it reconnects afterwards).
        case close(connection: Int, reason: CloseReason)
    }

    /// Answer to a lease request.
    enum LeaseDecision: Equatable, Sendable {
        /// A free lane.
        case granted(LeaseTicket)
        /// The idle lane of another run, whose ticket `revoked` is no longer current.
        case tookOver(LeaseTicket, revoked: LeaseTicket)
        case queued
    }

    /// A run holding a named lane.
    struct Holder: Equatable, Sendable {
        var ticketID: UInt64
        var run: RunID
        /// Pinned from the grant (or ``pin(_:now:)``) until the lane's next response ends: not taken over meanwhile,
        /// so a run that checked its lane can send on it.
        var pinned: Bool
        /// When the holder last pinned the lane or its response ended (least recently used is taken over first).
        var lastUsed: Duration
        /// Responses that ended on the lane since it was granted.
        var responses = 0
    }

    /// A request waiting for an active slot on its lease's connection.
    struct Activation: Equatable, Sendable {
        var waiter: UInt64
        var ticket: LeaseTicket
        var enqueuedAt: Duration
    }

    struct Connection: Sendable {
        var phase: Phase = .down
        var epoch: Int = 0
        var upSince: Duration?
        /// Run holding each lane.
        var holders: [Holder?]
        /// Lanes with a response in flight (the active responses), with the time of their last activity.
        var inFlight: [Int: Duration] = [:]
        /// Requests waiting for an active slot, oldest first.
        var queued: [Activation] = []
        var closeRequested = false
        /// Dropped by ``LaneScheduler/removeConnection(_:now:)``: never leased again (unless added back).
        var removed = false

        func isFree(_ lane: Int) -> Bool {
            holders[lane] == nil && inFlight[lane] == nil && !queued.contains { $0.ticket.lane == lane }
        }

        /// Held, not pinned, nothing in flight or queued, and used for at least `turns` responses: may be taken over.
        func isIdle(_ lane: Int, afterTurns turns: Int) -> Bool {
            guard let holder = holders[lane] else { return false }
            return !holder.pinned && holder.responses >= turns && inFlight[lane] == nil
                && !queued.contains { $0.ticket.lane == lane }
        }

        var lanesHeld: Int { holders.filter { $0 != nil }.count }
        /// Responses in flight or waiting for a slot: where a new lease waits least.
        var pressure: Int { inFlight.count + queued.count }
    }

    struct Waiter: Sendable {
        var id: UInt64
        var run: RunID
        var enqueuedAt: Duration
    }

    /// Wait statistics of lease requests and of requests waiting for an active slot.
    struct QueueStats: Equatable, Sendable {
        var leasesGranted = 0
        var leasesQueued = 0
        var totalWait: Duration = .zero
        var lastWait: Duration = .zero
        var maxWait: Duration = .zero
        /// Leases served by taking over another run's idle lane.
        var lanesTakenOver = 0
        /// Responses started (at once or after waiting for a slot).
        var responsesStarted = 0
        /// Requests that waited for an active slot.
        var responsesQueued = 0
        var responseTotalWait: Duration = .zero
        var responseMaxWait: Duration = .zero
    }

    let maxConnectionAge: Duration
    let connectTimeout: Duration
    let idleStreamTimeout: Duration
    /// Responses in flight per connection at most (the server runs 16 at a time).
    let maxActivePerConnection: Int
    /// Whether a lease may take over another run's idle lane (off without named lanes: one run per connection).
    let takesOverIdleLanes: Bool
    /// Responses a run gets on a lane before the lane may be taken over: without it, more runs than lanes would
    /// take each other's lane at every turn and no continuation would ever hit the server's cache.
    let turnsBeforeTakeover: Int
    let lanesPerConnection: Int
    /// Changed only by the scheduler's own methods (here and in its extensions).
    var connections: [Connection]
    var waiters: [Waiter] = []
    var stats = QueueStats()
    /// Since when no connection has been up (`nil` while one is).
    var noConnectionSince: Duration?
    var nextLeaseID: UInt64 = 1

    init(
        connections: Int,
        lanesPerConnection: Int,
        maxActivePerConnection: Int = 16,
        takesOverIdleLanes: Bool = true,
        turnsBeforeTakeover: Int = 1,
        maxConnectionAge: Duration,
        connectTimeout: Duration,
        idleStreamTimeout: Duration,
        now: Duration
    ) {
        self.connections = Array(
            repeating: Connection(holders: Array(repeating: nil, count: lanesPerConnection)),
            count: connections
        )
        self.maxActivePerConnection = max(1, maxActivePerConnection)
        self.takesOverIdleLanes = takesOverIdleLanes
        self.turnsBeforeTakeover = max(1, turnsBeforeTakeover)
        self.lanesPerConnection = lanesPerConnection
        self.maxConnectionAge = maxConnectionAge
        self.connectTimeout = connectTimeout
        self.idleStreamTimeout = idleStreamTimeout
        self.noConnectionSince = now
    }

    // MARK: Leases

    /// Grants a free lane at once (least busy connection first), else takes over the least recently used idle lane,
    /// else queues the request behind earlier ones.
    mutating func lease(run: RunID, waiter: UInt64, now: Duration) -> LeaseDecision {
        if waiters.isEmpty {
            if let ticket = takeFreeLane(run: run, now: now) {
                record(wait: .zero)
                return .granted(ticket)
            }
            if let (ticket, revoked) = takeOverIdleLane(run: run, now: now) {
                record(wait: .zero)
                return .tookOver(ticket, revoked: revoked)
            }
        }
        waiters.append(Waiter(id: waiter, run: run, enqueuedAt: now))
        stats.leasesQueued += 1
        return .queued
    }

    /// Removes a waiter that gave up (cancelled). Returns whether it was still waiting.
    mutating func cancelWaiter(_ id: UInt64) -> Bool {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return false }
        waiters.remove(at: index)
        return true
    }

    /// Returns a lease's lane (failing a request of it still waiting for a slot). Releasing a stale or already
    /// released lease does nothing.
    mutating func release(_ ticket: LeaseTicket, now: Duration) -> [Action] {
        guard isCurrent(ticket) else { return [] }
        connections[ticket.connection].holders[ticket.lane] = nil
        var actions: [Action] = []
        connections[ticket.connection].queued.removeAll { activation in
            guard activation.ticket == ticket else { return false }
            actions.append(.failActivation(activation.waiter))
            return true
        }
        return actions + dispatchWaiters(now: now)
    }

    /// Keeps `ticket`'s lane for its holder's next request (no takeover until that response ends).
    /// - Returns: `false` when the lease is no longer current (taken over, or its connection is gone).
    mutating func pin(_ ticket: LeaseTicket, now: Duration) -> Bool {
        guard isCurrent(ticket) else { return false }
        connections[ticket.connection].holders[ticket.lane]?.pinned = true
        connections[ticket.connection].holders[ticket.lane]?.lastUsed = now
        return true
    }

    /// Whether `ticket` still owns its lane on the connection it was granted on.
    func isCurrent(_ ticket: LeaseTicket) -> Bool {
        guard connections.indices.contains(ticket.connection) else { return false }
        let connection = connections[ticket.connection]
        return connection.phase == .up && connection.epoch == ticket.epoch
            && connection.holders[ticket.lane]?.ticketID == ticket.id
    }

    // MARK: Internals

    mutating func dispatchWaiters(now: Duration) -> [Action] {
        var actions: [Action] = []
        while let first = waiters.first {
            let ticket: LeaseTicket
            if let free = takeFreeLane(run: first.run, now: now) {
                ticket = free
            } else if let (taken, revoked) = takeOverIdleLane(run: first.run, now: now) {
                ticket = taken
                actions.append(.revoked(revoked))
            } else {
                break
            }
            waiters.removeFirst()
            let waited = now - first.enqueuedAt
            record(wait: waited)
            actions.append(.grant(waiter: first.id, ticket: ticket, waited: waited))
        }
        return actions
    }

    /// Picks the lowest free lane of the connected slot with the fewest responses in flight or queued (ties: fewest
    /// lanes held, then lowest slot).
    private mutating func takeFreeLane(run: RunID, now: Duration) -> LeaseTicket? {
        let candidates = connections.indices.filter { c in
            connections[c].phase == .up && connections[c].holders.indices.contains { connections[c].isFree($0) }
        }
        guard
            let c = candidates.min(by: {
                (connections[$0].pressure, connections[$0].lanesHeld) < (connections[$1].pressure, connections[$1].lanesHeld)
            }),
            let lane = connections[c].holders.indices.first(where: { connections[c].isFree($0) })
        else { return nil }
        return hold(connection: c, lane: lane, run: run, now: now)
    }

    /// Takes the least recently used idle lane of any connected slot from its holder.
    private mutating func takeOverIdleLane(run: RunID, now: Duration) -> (LeaseTicket, revoked: LeaseTicket)? {
        guard takesOverIdleLanes else { return nil }
        var best: (c: Int, lane: Int, lastUsed: Duration)?
        for c in connections.indices where connections[c].phase == .up {
            for lane in connections[c].holders.indices where connections[c].isIdle(lane, afterTurns: turnsBeforeTakeover) {
                let lastUsed = connections[c].holders[lane]!.lastUsed
                if best == nil || lastUsed < best!.lastUsed { best = (c, lane, lastUsed) }
            }
        }
        guard let best, let victim = connections[best.c].holders[best.lane] else { return nil }
        let revoked = LeaseTicket(
            id: victim.ticketID, connection: best.c, lane: best.lane, epoch: connections[best.c].epoch)
        stats.lanesTakenOver += 1
        return (hold(connection: best.c, lane: best.lane, run: run, now: now), revoked)
    }

    private mutating func hold(connection c: Int, lane: Int, run: RunID, now: Duration) -> LeaseTicket {
        let ticket = LeaseTicket(id: nextLeaseID, connection: c, lane: lane, epoch: connections[c].epoch)
        nextLeaseID += 1
        connections[c].holders[lane] = Holder(ticketID: ticket.id, run: run, pinned: true, lastUsed: now)
        return ticket
    }

    private mutating func record(wait: Duration) {
        stats.leasesGranted += 1
        stats.totalWait += wait
        stats.lastWait = wait
        stats.maxWait = max(stats.maxWait, wait)
    }
}
