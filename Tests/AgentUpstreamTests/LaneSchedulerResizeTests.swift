import AgentModel
import Testing

@testable import AgentUpstream

/// Adding and removing connection slots while runs hold lanes (`upstream.connections` on a reload).
@Suite struct LaneSchedulerResizeTests {
    func makeScheduler() -> LaneScheduler {
        var scheduler = LaneScheduler(
            connections: 1, lanesPerConnection: 2, maxActivePerConnection: 2, maxConnectionAge: .seconds(3300),
            connectTimeout: .seconds(10), idleStreamTimeout: .seconds(300), now: .zero)
        _ = scheduler.connectionUp(0, now: .zero)
        return scheduler
    }

    func granted(_ decision: LaneScheduler.LeaseDecision) -> LeaseTicket? {
        if case .granted(let ticket) = decision { return ticket }
        return nil
    }

    @Test func anAddedSlotServesWaitingRunsOnceItsConnectionIsUp() {
        var scheduler = makeScheduler()
        for index in 0..<2 { _ = scheduler.lease(run: RunID(rawValue: "run_\(index)"), waiter: UInt64(index), now: .zero) }
        #expect(scheduler.lease(run: RunID(rawValue: "run_2"), waiter: 2, now: .zero) == .queued)
        scheduler.addConnection(1)
        #expect(scheduler.connections.count == 2 && scheduler.connections[1].holders.count == 2)
        let actions = scheduler.connectionUp(1, now: .seconds(1))
        let ticket = LeaseTicket(id: 3, connection: 1, lane: 0, epoch: 0)
        #expect(actions == [.grant(waiter: 2, ticket: ticket, waited: .seconds(1))])
    }

    @Test func aRemovedSlotDrainsAtATurnBoundaryAndIsNeverLeasedAgain() {
        var scheduler = makeScheduler()
        scheduler.addConnection(1)
        _ = scheduler.connectionUp(1, now: .zero)
        let busy = granted(scheduler.lease(run: RunID(rawValue: "run_a"), waiter: 1, now: .zero))!
        let idle = granted(scheduler.lease(run: RunID(rawValue: "run_b"), waiter: 2, now: .zero))!
        #expect(busy.connection == 0 && idle.connection == 1)
        #expect(scheduler.beginResponse(idle, waiter: 10, now: .zero) == .proceed)
        // Removing slot 1 mid-response: its leases go stale at once, the close waits for the response to end.
        #expect(scheduler.removeConnection(1, now: .seconds(1)) == [.epochChanged(connection: 1, epoch: 1)])
        let current = scheduler.isCurrent(idle)
        let pinned = scheduler.pin(idle, now: .seconds(1))
        #expect(!current && !pinned)
        let busyCurrent = scheduler.isCurrent(busy)
        #expect(busyCurrent)
        #expect(
            scheduler.endResponse(connection: 1, lane: idle.lane, now: .seconds(2))
                == [.close(connection: 1, reason: .removed)])
        _ = scheduler.connectionDown(1, now: .seconds(2))
        // New leases go to slot 0 only (or wait there).
        let next = granted(scheduler.lease(run: RunID(rawValue: "run_d"), waiter: 4, now: .seconds(3)))
        #expect(next?.connection == 0)
        #expect(scheduler.connections[1].removed && scheduler.connections[1].phase == .down)
        // Added back, it serves again once connected.
        scheduler.addConnection(1)
        #expect(!scheduler.connections[1].removed)
    }

    @Test func removingAnIdleSlotClosesItAtOnce() {
        var scheduler = makeScheduler()
        scheduler.addConnection(1)
        _ = scheduler.connectionUp(1, now: .zero)
        #expect(
            scheduler.removeConnection(1, now: .seconds(1))
                == [.epochChanged(connection: 1, epoch: 1), .close(connection: 1, reason: .removed)])
    }
}

/// More runs than lanes: a lane is taken over only after its run had a few turns on it.
@Suite struct LaneSchedulerTakeoverQuantumTests {
    @Test func aLaneIsTakenOverOnlyAfterItsRunHadItsTurns() {
        var scheduler = LaneScheduler(
            connections: 1, lanesPerConnection: 1, maxActivePerConnection: 1, turnsBeforeTakeover: 3,
            maxConnectionAge: .seconds(3300), connectTimeout: .seconds(10), idleStreamTimeout: .seconds(300),
            now: .zero)
        _ = scheduler.connectionUp(0, now: .zero)
        guard case .granted(let a) = scheduler.lease(run: RunID(rawValue: "run_a"), waiter: 1, now: .zero) else {
            Issue.record("no lease")
            return
        }
        #expect(scheduler.lease(run: RunID(rawValue: "run_b"), waiter: 2, now: .zero) == .queued)
        var ends: [[LaneScheduler.Action]] = []
        for turn in 1...3 {
            let now = Duration.seconds(turn)
            let pinned = scheduler.pin(a, now: now)
            #expect(pinned)
            _ = scheduler.beginResponse(a, waiter: UInt64(10 + turn), now: now)
            ends.append(scheduler.endResponse(connection: 0, lane: a.lane, now: now + .milliseconds(500)))
        }
        // Idle after each of its first two turns, A kept its lane; after the third, B takes it.
        let b = LeaseTicket(id: 2, connection: 0, lane: 0, epoch: 0)
        #expect(ends == [[], [], [.revoked(a), .grant(waiter: 2, ticket: b, waited: .milliseconds(3500))]])
    }
}
