import AgentModel
import Testing

@testable import AgentUpstream

/// Named lanes held between turns versus active slots held only while a response streams, lane takeover and the
/// FIFO queue for slots: the pure scheduler, with a manual clock.
@Suite struct LaneSchedulerActiveSlotTests {
    func makeScheduler(lanes: Int, active: Int, connections: Int = 1, takeover: Bool = true) -> LaneScheduler {
        var scheduler = LaneScheduler(
            connections: connections, lanesPerConnection: lanes, maxActivePerConnection: active,
            takesOverIdleLanes: takeover, maxConnectionAge: .seconds(3300), connectTimeout: .seconds(10),
            idleStreamTimeout: .seconds(300), now: .zero)
        for c in 0..<connections { _ = scheduler.connectionUp(c, now: .zero) }
        return scheduler
    }

    func run(_ index: Int) -> RunID { RunID(rawValue: "run_\(index)") }

    func lease(_ scheduler: inout LaneScheduler, _ index: Int, now: Duration = .zero) -> LeaseTicket? {
        if case .granted(let ticket) = scheduler.lease(run: run(index), waiter: UInt64(index), now: now) {
            return ticket
        }
        return nil
    }

    @Test func thirtyTwoLanesCarryAtMostSixteenActiveResponses() {
        var scheduler = makeScheduler(lanes: 32, active: 16)
        let tickets = (0..<32).compactMap { lease(&scheduler, $0) }
        #expect(Set(tickets.map(\.lane)) == Set(0..<32))
        let decisions = tickets.enumerated().map { index, ticket in
            scheduler.beginResponse(ticket, waiter: UInt64(100 + index), now: .zero)
        }
        #expect(decisions.filter { $0 == .proceed }.count == 16)
        #expect(decisions.filter { $0 == .queued }.count == 16)
        #expect(scheduler.connections[0].inFlight.count == 16)
        // A 33rd run finds every lane pinned (in flight or waiting for a slot): it waits for a lane.
        #expect(scheduler.lease(run: run(32), waiter: 32, now: .zero) == .queued)
        // A response that ends hands its slot to exactly one waiting request, and its now idle lane to the run
        // waiting for a lane.
        let actions = scheduler.endResponse(connection: 0, lane: tickets[0].lane, now: .seconds(1))
        let newcomer = LeaseTicket(id: 33, connection: 0, lane: tickets[0].lane, epoch: 0)
        #expect(
            actions == [
                .activate(waiter: 116, ticket: tickets[16], waited: .seconds(1)), .revoked(tickets[0]),
                .grant(waiter: 32, ticket: newcomer, waited: .seconds(1)),
            ])
        #expect(scheduler.connections[0].inFlight.count == 16)
        #expect(scheduler.stats.responsesStarted == 17 && scheduler.stats.responsesQueued == 16)
    }

    @Test func aRunKeepsItsLaneBetweenTurnsWithoutHoldingASlot() {
        var scheduler = makeScheduler(lanes: 2, active: 1)
        let a = lease(&scheduler, 0)!
        let b = lease(&scheduler, 1)!
        for turn in 0..<3 {
            let t = Duration.seconds(turn * 10)
            let aPinned = scheduler.pin(a, now: t)
            #expect(aPinned)
            #expect(scheduler.beginResponse(a, waiter: 10, now: t) == .proceed)
            #expect(scheduler.endResponse(connection: 0, lane: a.lane, now: t + .seconds(1)) == [])
            // Between A's turns (its tools run) the slot is B's, and A's lane stays A's.
            let bPinned = scheduler.pin(b, now: t + .seconds(2))
            #expect(bPinned)
            #expect(scheduler.beginResponse(b, waiter: 11, now: t + .seconds(2)) == .proceed)
            #expect(scheduler.endResponse(connection: 0, lane: b.lane, now: t + .seconds(3)) == [])
        }
        let bothCurrent = scheduler.isCurrent(a) && scheduler.isCurrent(b)
        #expect(bothCurrent)
        #expect(scheduler.stats.leasesGranted == 2 && scheduler.stats.lanesTakenOver == 0)
    }

    @Test func whenEveryLaneIsHeldTheLeastRecentlyUsedIdleLaneIsTakenOver() {
        var scheduler = makeScheduler(lanes: 3, active: 3)
        let a = lease(&scheduler, 0)!
        let b = lease(&scheduler, 1)!
        let c = lease(&scheduler, 2)!
        for (ticket, end) in [(a, 1), (b, 2), (c, 3)] {
            _ = scheduler.beginResponse(ticket, waiter: ticket.id + 10, now: .zero)
            _ = scheduler.endResponse(connection: 0, lane: ticket.lane, now: .seconds(end))
        }
        // A is least recently used but sends again: B is the oldest idle lane.
        let aPinned = scheduler.pin(a, now: .seconds(4))
        #expect(aPinned)
        let d = LeaseTicket(id: 4, connection: 0, lane: b.lane, epoch: 0)
        #expect(scheduler.lease(run: run(3), waiter: 3, now: .seconds(5)) == .tookOver(d, revoked: b))
        let bCurrent = scheduler.isCurrent(b)
        let bPinned = scheduler.pin(b, now: .seconds(5))
        #expect(!bCurrent && !bPinned)
        #expect(scheduler.beginResponse(b, waiter: 20, now: .seconds(5)) == .stale)
        // The newcomer is pinned until its first response ends; C is next in line, then A once idle.
        let e = LeaseTicket(id: 5, connection: 0, lane: c.lane, epoch: 0)
        #expect(scheduler.lease(run: run(4), waiter: 4, now: .seconds(6)) == .tookOver(e, revoked: c))
        #expect(scheduler.lease(run: run(5), waiter: 5, now: .seconds(7)) == .queued)
        #expect(scheduler.beginResponse(a, waiter: 21, now: .seconds(7)) == .proceed)
        let actions = scheduler.endResponse(connection: 0, lane: a.lane, now: .seconds(8))
        let f = LeaseTicket(id: 6, connection: 0, lane: a.lane, epoch: 0)
        #expect(actions == [.revoked(a), .grant(waiter: 5, ticket: f, waited: .seconds(1))])
        #expect(scheduler.stats.lanesTakenOver == 3)
    }

    @Test func requestsWaitForASlotInFIFOOrderAndNoneOvertakes() {
        var scheduler = makeScheduler(lanes: 4, active: 1)
        let tickets = (0..<4).compactMap { lease(&scheduler, $0) }
        #expect(scheduler.beginResponse(tickets[0], waiter: 10, now: .zero) == .proceed)
        for index in 1..<4 {
            #expect(scheduler.beginResponse(tickets[index], waiter: UInt64(10 + index), now: .seconds(index)) == .queued)
        }
        var order: [UInt64] = []
        var waits: [Duration] = []
        var now = Duration.seconds(4)
        var ending = tickets[0]
        for _ in 0..<4 {
            for action in scheduler.endResponse(connection: 0, lane: ending.lane, now: now) {
                guard case .activate(let waiter, let ticket, let waited) = action else { continue }
                order.append(waiter)
                waits.append(waited)
                ending = ticket
            }
            if order.count == 1 {
                // The first run, between turns, asks again: it queues behind the two still waiting.
                #expect(scheduler.beginResponse(tickets[0], waiter: 14, now: now) == .queued)
            }
            now += .seconds(1)
        }
        #expect(order == [11, 12, 13, 14])
        #expect(waits == [.seconds(3), .seconds(3), .seconds(3), .seconds(3)])
        #expect(scheduler.stats.responseMaxWait == .seconds(3))
    }

    @Test func neverTwoRequestsOnOneLane() {
        var scheduler = makeScheduler(lanes: 2, active: 1)
        let a = lease(&scheduler, 0)!
        let b = lease(&scheduler, 1)!
        #expect(scheduler.beginResponse(a, waiter: 10, now: .zero) == .proceed)
        #expect(scheduler.beginResponse(a, waiter: 11, now: .zero) == .busy)
        #expect(scheduler.beginResponse(b, waiter: 12, now: .zero) == .queued)
        #expect(scheduler.beginResponse(b, waiter: 13, now: .zero) == .busy)
        #expect(scheduler.connections[0].queued.map(\.waiter) == [12])
    }

    @Test func aLostConnectionFailsRequestsWaitingForItsSlots() {
        var scheduler = makeScheduler(lanes: 3, active: 1)
        let tickets = (0..<3).compactMap { lease(&scheduler, $0) }
        _ = scheduler.beginResponse(tickets[0], waiter: 10, now: .zero)
        _ = scheduler.beginResponse(tickets[1], waiter: 11, now: .zero)
        _ = scheduler.beginResponse(tickets[2], waiter: 12, now: .zero)
        let cancelled = scheduler.cancelActivation(12)
        let cancelledAgain = scheduler.cancelActivation(12)
        #expect(cancelled && !cancelledAgain)
        let actions = scheduler.connectionDown(0, now: .seconds(1))
        #expect(actions == [.epochChanged(connection: 0, epoch: 1), .failActivation(11)])
        #expect(scheduler.connections[0].queued.isEmpty)
    }

    @Test func releasingALeaseFailsItsWaitingRequest() {
        var scheduler = makeScheduler(lanes: 2, active: 1)
        let a = lease(&scheduler, 0)!
        let b = lease(&scheduler, 1)!
        _ = scheduler.beginResponse(a, waiter: 10, now: .zero)
        _ = scheduler.beginResponse(b, waiter: 11, now: .zero)
        #expect(scheduler.release(b, now: .zero) == [.failActivation(11)])
        #expect(scheduler.endResponse(connection: 0, lane: a.lane, now: .seconds(1)) == [])
    }

    @Test func withoutTakeoverAHeldLaneStaysWithItsRunUntilReleased() {
        // Lanes off: one lane per connection, kept by its run for life, as before.
        var scheduler = makeScheduler(lanes: 1, active: 1, takeover: false)
        let a = lease(&scheduler, 0)!
        _ = scheduler.beginResponse(a, waiter: 10, now: .zero)
        _ = scheduler.endResponse(connection: 0, lane: a.lane, now: .seconds(1))
        #expect(scheduler.lease(run: run(1), waiter: 1, now: .seconds(2)) == .queued)
        let aCurrent = scheduler.isCurrent(a)
        #expect(aCurrent)
        let b = LeaseTicket(id: 2, connection: 0, lane: 0, epoch: 0)
        #expect(scheduler.release(a, now: .seconds(3)) == [.grant(waiter: 1, ticket: b, waited: .seconds(1))])
    }

    @Test func newLeasesGoWhereFewestResponsesStreamOrWait() {
        var scheduler = makeScheduler(lanes: 4, active: 1, connections: 2)
        let a = lease(&scheduler, 0)!
        let b = lease(&scheduler, 1)!
        #expect([a.connection, b.connection] == [0, 1])
        _ = scheduler.beginResponse(a, waiter: 10, now: .zero)
        // Connection 0 is busy: the next two leases go to connection 1 until it is as busy.
        let c = lease(&scheduler, 2)!
        #expect(c.connection == 1)
        _ = scheduler.beginResponse(b, waiter: 11, now: .zero)
        _ = scheduler.beginResponse(c, waiter: 12, now: .zero)
        let d = lease(&scheduler, 3)!
        #expect(d.connection == 0)
    }
}
