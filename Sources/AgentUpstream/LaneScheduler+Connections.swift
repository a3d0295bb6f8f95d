extension LaneScheduler {
    // MARK: Connections

    /// Makes slot `c` usable: a new slot (down until its connection is up) or a removed one added back.
    mutating func addConnection(_ c: Int) {
        while connections.count <= c {
            connections.append(Connection(holders: Array(repeating: nil, count: lanesPerConnection)))
        }
        connections[c].removed = false
    }

    /// Stops using slot `c` (the pool shrinks): like a rotation, its leases go stale at once (their runs move to
    /// other connections with their input rebuilt) and it closes at once or when its responses in flight end.
    mutating func removeConnection(_ c: Int, now: Duration) -> [Action] {
        connections[c].removed = true
        var actions = beginDraining(c, now: now)
        if connections[c].phase == .draining, connections[c].inFlight.isEmpty, !connections[c].closeRequested {
            connections[c].closeRequested = true
            actions.append(.close(connection: c, reason: .removed))
        }
        return actions
    }

    /// A connection finished its handshake: its lanes are free, waiting runs get them.
    mutating func connectionUp(_ c: Int, now: Duration) -> [Action] {
        connections[c].phase = .up
        connections[c].upSince = now
        connections[c].closeRequested = false
        connections[c].inFlight = [:]
        connections[c].queued = []
        connections[c].holders = connections[c].holders.map { _ in nil }
        noConnectionSince = nil
        return dispatchWaiters(now: now)
    }

    /// A connection is gone (or a connect attempt failed): its leases become stale, requests waiting for one of its
    /// slots fail.
    mutating func connectionDown(_ c: Int, now: Duration) -> [Action] {
        var actions: [Action] = []
        if connections[c].phase == .up {
            connections[c].epoch += 1
            actions.append(.epochChanged(connection: c, epoch: connections[c].epoch))
        }
        actions += failActivations(c)
        connections[c].phase = .down
        connections[c].upSince = nil
        connections[c].inFlight = [:]
        connections[c].closeRequested = false
        connections[c].holders = connections[c].holders.map { _ in nil }
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
        connections[c].holders = connections[c].holders.map { _ in nil }
        if !connections.contains(where: { $0.phase == .up }) {
            noConnectionSince = noConnectionSince ?? now
        }
        return [.epochChanged(connection: c, epoch: connections[c].epoch)] + failActivations(c)
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
}
