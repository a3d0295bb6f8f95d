extension LaneScheduler {
    /// Answer to a request to start a response on a lease.
    enum BeginDecision: Equatable, Sendable {
        /// Send the frame: an active slot is taken.
        case proceed
        /// Wait for ``Action/activate(waiter:ticket:waited:)``: the connection has its maximum of responses in flight
        /// (or earlier requests wait).
        case queued
        /// The lease's connection has gone (or is retiring), or its lane was taken over: re-lease.
        case stale
        /// A response is already in flight, or a request already waits, on this lane.
        case busy
    }

    /// Starts a response on the lease's lane: at once while the connection has an active slot free and nobody waits
    /// for one, else queued (FIFO per connection). The lane stays pinned until the response ends.
    mutating func beginResponse(_ ticket: LeaseTicket, waiter: UInt64, now: Duration) -> BeginDecision {
        guard isCurrent(ticket) else { return .stale }
        let c = ticket.connection
        guard connections[c].inFlight[ticket.lane] == nil, !connections[c].queued.contains(where: { $0.ticket == ticket })
        else { return .busy }
        connections[c].holders[ticket.lane]?.pinned = true
        if connections[c].inFlight.count < maxActivePerConnection, connections[c].queued.isEmpty {
            connections[c].inFlight[ticket.lane] = now
            recordResponse(wait: .zero)
            return .proceed
        }
        connections[c].queued.append(Activation(waiter: waiter, ticket: ticket, enqueuedAt: now))
        stats.responsesQueued += 1
        return .queued
    }

    /// Removes a request waiting for a slot (its sender was cancelled). Returns whether it was still waiting.
    mutating func cancelActivation(_ waiter: UInt64) -> Bool {
        for c in connections.indices {
            if let index = connections[c].queued.firstIndex(where: { $0.waiter == waiter }) {
                connections[c].queued.remove(at: index)
                return true
            }
        }
        return false
    }

    /// Notes activity of the response on `lane` (for the idle-stream timeout).
    mutating func frameReceived(connection: Int, lane: Int, now: Duration) {
        if connections[connection].inFlight[lane] != nil {
            connections[connection].inFlight[lane] = now
        }
    }

    /// Marks the response on `lane` as ended (terminal frame or failure): its active slot goes to the oldest waiting
    /// request, its lane becomes idle (its run keeps it, but it may be taken over until the run pins it again), and
    /// a draining connection with nothing left in flight is closed.
    mutating func endResponse(connection c: Int, lane: Int, now: Duration) -> [Action] {
        guard connections[c].inFlight.removeValue(forKey: lane) != nil else { return [] }
        if connections[c].holders[lane] != nil {
            connections[c].holders[lane]?.pinned = false
            connections[c].holders[lane]?.lastUsed = now
            connections[c].holders[lane]?.responses += 1
        }
        var actions: [Action] = []
        if connections[c].phase == .draining, connections[c].inFlight.isEmpty, !connections[c].closeRequested {
            connections[c].closeRequested = true
            actions.append(.close(connection: c, reason: connections[c].removed ? .removed : .maxAge))
        }
        if connections[c].phase == .up {
            actions += dispatchActivations(c, now: now)
            actions += dispatchWaiters(now: now)
        }
        return actions
    }

    /// Gives free active slots of connection `c` to its waiting requests, oldest first.
    mutating func dispatchActivations(_ c: Int, now: Duration) -> [Action] {
        var actions: [Action] = []
        while connections[c].inFlight.count < maxActivePerConnection, !connections[c].queued.isEmpty {
            let next = connections[c].queued.removeFirst()
            connections[c].inFlight[next.ticket.lane] = now
            let waited = now - next.enqueuedAt
            recordResponse(wait: waited)
            actions.append(.activate(waiter: next.waiter, ticket: next.ticket, waited: waited))
        }
        return actions
    }

    /// Fails every request of connection `c` still waiting for a slot (its leases went stale).
    mutating func failActivations(_ c: Int) -> [Action] {
        defer { connections[c].queued = [] }
        return connections[c].queued.map { .failActivation($0.waiter) }
    }

    private mutating func recordResponse(wait: Duration) {
        stats.responsesStarted += 1
        stats.responseTotalWait += wait
        stats.responseMaxWait = max(stats.responseMaxWait, wait)
    }
}
