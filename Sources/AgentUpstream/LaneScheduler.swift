import AgentModel

/// One granted lease: a lane of a connection, valid while the connection's epoch is unchanged.
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

/// The pool's scheduling policy as a pure state machine: lanes, leases, the FIFO queue of waiting runs,
/// connection up/down/draining, rotation by age, idle-stream and connect deadlines.
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
        /// Fail the response streaming on `lane` of `connection` with an idle timeout.
        case failIdleResponse(connection: Int, lane: Int)
        /// Close `connection` (it reconnects afterwards).
        case close(connection: Int, reason: CloseReason)
    }

    /// Answer to a lease request.
    enum LeaseDecision: Equatable, Sendable {
        case granted(LeaseTicket)
        case queued
    }

    /// Answer to a request to start a response on a lease.
    enum BeginDecision: Equatable, Sendable {
        /// Send the frame.
        case proceed
        /// The lease's connection has gone (or is retiring): re-lease.
        case stale
        /// A response is already in flight on this lane.
        case busy
    }

    struct Connection: Sendable {
        var phase: Phase = .down
        var epoch: Int = 0
        var upSince: Duration?
        /// Lease holding each lane.
        var leases: [UInt64?]
        /// Lanes with a response in flight, with the time of their last activity.
        var inFlight: [Int: Duration] = [:]
        var closeRequested = false

        func isFree(_ lane: Int) -> Bool { leases[lane] == nil && inFlight[lane] == nil }
        var load: Int { leases.indices.filter { !isFree($0) }.count }
    }

    struct Waiter: Sendable {
        var id: UInt64
        var run: RunID
        var enqueuedAt: Duration
    }

    /// Wait statistics of lease requests.
    struct QueueStats: Equatable, Sendable {
        var leasesGranted = 0
        var leasesQueued = 0
        var totalWait: Duration = .zero
        var lastWait: Duration = .zero
        var maxWait: Duration = .zero
    }

    let maxConnectionAge: Duration
    let connectTimeout: Duration
    let idleStreamTimeout: Duration
    private(set) var connections: [Connection]
    private(set) var waiters: [Waiter] = []
    private(set) var stats = QueueStats()
    /// Since when no connection has been up (`nil` while one is).
    private(set) var noConnectionSince: Duration?
    private var nextLeaseID: UInt64 = 1

    init(
        connections: Int,
        lanesPerConnection: Int,
        maxConnectionAge: Duration,
        connectTimeout: Duration,
        idleStreamTimeout: Duration,
        now: Duration
    ) {
        self.connections = Array(
            repeating: Connection(leases: Array(repeating: nil, count: lanesPerConnection)),
            count: connections
        )
        self.maxConnectionAge = maxConnectionAge
        self.connectTimeout = connectTimeout
        self.idleStreamTimeout = idleStreamTimeout
        self.noConnectionSince = now
    }

    // MARK: Leases

    /// Grants a free lane at once (least-loaded connection first) or queues the request behind earlier ones.
    mutating func lease(run: RunID, waiter: UInt64, now: Duration) -> LeaseDecision {
        if waiters.isEmpty, let ticket = takeFreeLane() {
            record(wait: .zero)
            return .granted(ticket)
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

    /// Returns a lease's lane. Releasing a stale or already released lease does nothing.
    mutating func release(_ ticket: LeaseTicket, now: Duration) -> [Action] {
        guard isCurrent(ticket) else { return [] }
        connections[ticket.connection].leases[ticket.lane] = nil
        return dispatchWaiters(now: now)
    }

    /// Whether `ticket` still owns its lane on the connection it was granted on.
    func isCurrent(_ ticket: LeaseTicket) -> Bool {
        guard connections.indices.contains(ticket.connection) else { return false }
        let connection = connections[ticket.connection]
        return connection.phase == .up && connection.epoch == ticket.epoch
            && connection.leases[ticket.lane] == ticket.id
    }

    // MARK: Responses

    /// Marks a response as started on the lease's lane, unless the lease is stale or the lane busy.
    mutating func beginResponse(_ ticket: LeaseTicket, now: Duration) -> BeginDecision {
        guard isCurrent(ticket) else { return .stale }
        guard connections[ticket.connection].inFlight[ticket.lane] == nil else { return .busy }
        connections[ticket.connection].inFlight[ticket.lane] = now
        return .proceed
    }

    /// Notes activity of the response on `lane` (for the idle-stream timeout).
    mutating func frameReceived(connection: Int, lane: Int, now: Duration) {
        if connections[connection].inFlight[lane] != nil {
            connections[connection].inFlight[lane] = now
        }
    }

    /// Marks the response on `lane` as ended (terminal frame or failure): the lane may be reused, a draining
    /// connection with nothing left in flight is closed.
    mutating func endResponse(connection c: Int, lane: Int, now: Duration) -> [Action] {
        guard connections[c].inFlight.removeValue(forKey: lane) != nil else { return [] }
        var actions: [Action] = []
        if connections[c].phase == .draining, connections[c].inFlight.isEmpty, !connections[c].closeRequested {
            connections[c].closeRequested = true
            actions.append(.close(connection: c, reason: .maxAge))
        }
        if connections[c].phase == .up {
            actions += dispatchWaiters(now: now)
        }
        return actions
    }

    // MARK: Connections

    /// A connection finished its handshake: its lanes are free, waiting runs get them.
    mutating func connectionUp(_ c: Int, now: Duration) -> [Action] {
        connections[c].phase = .up
        connections[c].upSince = now
        connections[c].closeRequested = false
        connections[c].inFlight = [:]
        connections[c].leases = connections[c].leases.map { _ in nil }
        noConnectionSince = nil
        return dispatchWaiters(now: now)
    }

    /// A connection is gone (or a connect attempt failed): its leases become stale.
    mutating func connectionDown(_ c: Int, now: Duration) -> [Action] {
        var actions: [Action] = []
        if connections[c].phase == .up {
            connections[c].epoch += 1
            actions.append(.epochChanged(connection: c, epoch: connections[c].epoch))
        }
        connections[c].phase = .down
        connections[c].upSince = nil
        connections[c].inFlight = [:]
        connections[c].closeRequested = false
        connections[c].leases = connections[c].leases.map { _ in nil }
        if noConnectionSince == nil, !connections.contains(where: { $0.phase == .up }) {
            noConnectionSince = now
        }
        return actions
    }

    /// Stops using a connection at once (connection-scoped error frame): leases become stale and the
    /// connection is closed whether or not responses are in flight (the caller fails those).
    mutating func retire(_ c: Int, reason: CloseReason, now: Duration) -> [Action] {
        var actions = beginDraining(c, now: now)
        connections[c].inFlight = [:]
        if !connections[c].closeRequested {
            connections[c].closeRequested = true
            actions.append(.close(connection: c, reason: reason))
        }
        return actions
    }

    private mutating func beginDraining(_ c: Int, now: Duration) -> [Action] {
        guard connections[c].phase == .up else { return [] }
        connections[c].phase = .draining
        connections[c].epoch += 1
        connections[c].leases = connections[c].leases.map { _ in nil }
        if !connections.contains(where: { $0.phase == .up }) {
            noConnectionSince = noConnectionSince ?? now
        }
        return [.epochChanged(connection: c, epoch: connections[c].epoch)]
    }

    // MARK: Time

    /// Applies every deadline that has passed: rotation by age, idle responses, waiters without a connection.
    mutating func tick(now: Duration) -> [Action] {
        var actions: [Action] = []
        for c in connections.indices {
            // Idle responses: fail the response and drop the connection (it may be half-dead).
            if let idleLane = connections[c].inFlight.filter({ now - $0.value >= idleStreamTimeout }).keys.min() {
                connections[c].inFlight[idleLane] = nil
                actions.append(.failIdleResponse(connection: c, lane: idleLane))
                actions += retire(c, reason: .idleTimeout, now: now)
                continue
            }
            // Rotation: at a turn boundary (nothing in flight), or as soon as what is in flight ends.
            if connections[c].phase == .up, let since = connections[c].upSince, now - since >= maxConnectionAge {
                actions += beginDraining(c, now: now)
                if connections[c].inFlight.isEmpty, !connections[c].closeRequested {
                    connections[c].closeRequested = true
                    actions.append(.close(connection: c, reason: .maxAge))
                }
            }
        }
        if let since = noConnectionSince {
            let expired = waiters.filter { now - max($0.enqueuedAt, since) >= connectTimeout }
            waiters.removeAll { waiter in expired.contains { $0.id == waiter.id } }
            actions += expired.map { .failWaiter($0.id) }
        }
        return actions
    }

    // MARK: Internals

    private mutating func dispatchWaiters(now: Duration) -> [Action] {
        var actions: [Action] = []
        while let first = waiters.first, let ticket = takeFreeLane() {
            waiters.removeFirst()
            let waited = now - first.enqueuedAt
            record(wait: waited)
            actions.append(.grant(waiter: first.id, ticket: ticket, waited: waited))
        }
        return actions
    }

    /// Picks the lowest free lane of the least-loaded connected slot (ties: lowest slot).
    private mutating func takeFreeLane() -> LeaseTicket? {
        let candidates = connections.indices.filter { c in
            connections[c].phase == .up && connections[c].leases.indices.contains { connections[c].isFree($0) }
        }
        guard let c = candidates.min(by: { connections[$0].load < connections[$1].load }),
            let lane = connections[c].leases.indices.first(where: { connections[c].isFree($0) })
        else { return nil }
        let ticket = LeaseTicket(id: nextLeaseID, connection: c, lane: lane, epoch: connections[c].epoch)
        nextLeaseID += 1
        connections[c].leases[lane] = ticket.id
        return ticket
    }

    private mutating func record(wait: Duration) {
        stats.leasesGranted += 1
        stats.totalWait += wait
        stats.lastWait = wait
        stats.maxWait = max(stats.maxWait, wait)
    }
}
