import AgentModel
import Testing

@testable import AgentUpstream

/// A manual clock for the scheduler: time only moves when the test says so.
struct ManualClock {
    var now: Duration = .zero
    mutating func advance(_ by: Duration) { now += by }
}

@Suite struct LaneSchedulerTests {
    let runA = RunID(rawValue: "run_a")
    let runB = RunID(rawValue: "run_b")
    let runC = RunID(rawValue: "run_c")

    func makeScheduler(connections: Int = 2, lanes: Int = 2, now: Duration = .zero) -> LaneScheduler {
        LaneScheduler(
            connections: connections,
            lanesPerConnection: lanes,
            maxConnectionAge: .seconds(3300),
            connectTimeout: .seconds(10),
            idleStreamTimeout: .seconds(300),
            now: now
        )
    }

    func granted(_ decision: LaneScheduler.LeaseDecision) -> LeaseTicket? {
        if case .granted(let ticket) = decision { return ticket }
        return nil
    }

    @Test func leasesSpreadAcrossConnectionsLeastLoadedFirst() {
        var scheduler = makeScheduler()
        _ = scheduler.connectionUp(0, now: .zero)
        _ = scheduler.connectionUp(1, now: .zero)
        let tickets = (1...4).compactMap { granted(scheduler.lease(run: runA, waiter: UInt64($0), now: .zero)) }
        #expect(tickets.map { [$0.connection, $0.lane] } == [[0, 0], [1, 0], [0, 1], [1, 1]])
    }

    @Test func waitersAreServedInFIFOOrderAndWaitsAreMeasured() {
        var clock = ManualClock()
        var scheduler = makeScheduler(connections: 1, lanes: 1)
        _ = scheduler.connectionUp(0, now: clock.now)
        let first = granted(scheduler.lease(run: runA, waiter: 1, now: clock.now))!
        #expect(scheduler.lease(run: runB, waiter: 2, now: clock.now) == .queued)
        clock.advance(.seconds(1))
        #expect(scheduler.lease(run: runC, waiter: 3, now: clock.now) == .queued)
        clock.advance(.seconds(2))
        let actions = scheduler.release(first, now: clock.now)
        let second = LeaseTicket(id: 2, connection: 0, lane: 0, epoch: 0)
        #expect(actions == [.grant(waiter: 2, ticket: second, waited: .seconds(3))])
        clock.advance(.seconds(1))
        let third = LeaseTicket(id: 3, connection: 0, lane: 0, epoch: 0)
        #expect(scheduler.release(second, now: clock.now) == [.grant(waiter: 3, ticket: third, waited: .seconds(3))])
        #expect(scheduler.stats.leasesGranted == 3)
        #expect(scheduler.stats.totalWait == .seconds(6))
        #expect(scheduler.stats.maxWait == .seconds(3))
        #expect(scheduler.waiters.isEmpty)
    }

    @Test func aNewRequestDoesNotOvertakeQueuedOnes() {
        var scheduler = makeScheduler(connections: 1, lanes: 1)
        #expect(scheduler.lease(run: runA, waiter: 1, now: .zero) == .queued)  // no connection yet
        _ = scheduler.connectionUp(0, now: .seconds(1))  // grants waiter 1
        #expect(scheduler.lease(run: runB, waiter: 2, now: .seconds(1)) == .queued)
        let cancelled = scheduler.cancelWaiter(2)
        let cancelledAgain = scheduler.cancelWaiter(2)
        #expect(cancelled && !cancelledAgain)
    }

    @Test func leasesStickAcrossTurnsAndOneResponseAtATimePerLane() {
        var clock = ManualClock()
        var scheduler = makeScheduler(connections: 1, lanes: 2)
        _ = scheduler.connectionUp(0, now: clock.now)
        let ticket = granted(scheduler.lease(run: runA, waiter: 1, now: clock.now))!
        for _ in 0..<3 {
            #expect(scheduler.beginResponse(ticket, waiter: 0, now: clock.now) == .proceed)
            #expect(scheduler.beginResponse(ticket, waiter: 0, now: clock.now) == .busy)
            clock.advance(.seconds(1))
            #expect(scheduler.endResponse(connection: 0, lane: ticket.lane, now: clock.now) == [])
        }
        #expect(scheduler.isCurrent(ticket))
    }

    @Test func aLaneReleasedMidResponseIsNotReusedUntilTheResponseEnds() {
        var scheduler = makeScheduler(connections: 1, lanes: 1)
        _ = scheduler.connectionUp(0, now: .zero)
        let ticket = granted(scheduler.lease(run: runA, waiter: 1, now: .zero))!
        #expect(scheduler.beginResponse(ticket, waiter: 0, now: .zero) == .proceed)
        #expect(scheduler.release(ticket, now: .zero) == [])
        #expect(scheduler.lease(run: runB, waiter: 2, now: .zero) == .queued)
        let next = LeaseTicket(id: 2, connection: 0, lane: 0, epoch: 0)
        #expect(
            scheduler.endResponse(connection: 0, lane: 0, now: .seconds(2))
                == [.grant(waiter: 2, ticket: next, waited: .seconds(2))]
        )
    }

    @Test func connectionLossMakesLeasesStaleAndReleasingThemIsHarmless() {
        var scheduler = makeScheduler(connections: 1, lanes: 2)
        _ = scheduler.connectionUp(0, now: .zero)
        let ticket = granted(scheduler.lease(run: runA, waiter: 1, now: .zero))!
        #expect(scheduler.connectionDown(0, now: .seconds(1)) == [.epochChanged(connection: 0, epoch: 1)])
        #expect(!scheduler.isCurrent(ticket))
        #expect(scheduler.beginResponse(ticket, waiter: 0, now: .seconds(1)) == .stale)
        #expect(scheduler.release(ticket, now: .seconds(1)) == [])
        _ = scheduler.connectionUp(0, now: .seconds(2))
        let fresh = granted(scheduler.lease(run: runA, waiter: 2, now: .seconds(2)))!
        #expect(fresh == LeaseTicket(id: 2, connection: 0, lane: 0, epoch: 1))
        #expect(!scheduler.isCurrent(ticket))
    }

    @Test func failedConnectAttemptsDoNotBumpTheEpoch() {
        var scheduler = makeScheduler(connections: 1)
        #expect(scheduler.connectionDown(0, now: .seconds(1)) == [])
    }

    @Test func waitersFailWhenNoConnectionComesUpWithinTheConnectTimeout() {
        var clock = ManualClock()
        var scheduler = makeScheduler(connections: 1)
        #expect(scheduler.lease(run: runA, waiter: 1, now: clock.now) == .queued)
        clock.advance(.seconds(5))
        #expect(scheduler.lease(run: runB, waiter: 2, now: clock.now) == .queued)
        clock.advance(.seconds(5))
        #expect(scheduler.tick(now: clock.now) == [.failWaiter(1)])
        clock.advance(.seconds(5))
        #expect(scheduler.tick(now: clock.now) == [.failWaiter(2)])
    }

    @Test func waitersBehindBusyLanesWaitAsLongAsItTakes() {
        var clock = ManualClock()
        var scheduler = makeScheduler(connections: 1, lanes: 1)
        _ = scheduler.connectionUp(0, now: clock.now)
        _ = scheduler.lease(run: runA, waiter: 1, now: clock.now)
        #expect(scheduler.lease(run: runB, waiter: 2, now: clock.now) == .queued)
        clock.advance(.seconds(600))
        #expect(scheduler.tick(now: clock.now) == [])
        // The connection drops: the waiter gets the connect timeout from that moment, not from enqueueing.
        _ = scheduler.connectionDown(0, now: clock.now)
        clock.advance(.seconds(9))
        #expect(scheduler.tick(now: clock.now) == [])
        clock.advance(.seconds(1))
        #expect(scheduler.tick(now: clock.now) == [.failWaiter(2)])
    }

    @Test func oldConnectionsRotateAtATurnBoundary() {
        var clock = ManualClock()
        var scheduler = makeScheduler(connections: 1, lanes: 2)
        _ = scheduler.connectionUp(0, now: clock.now)
        let busy = granted(scheduler.lease(run: runA, waiter: 1, now: clock.now))!
        let idle = granted(scheduler.lease(run: runB, waiter: 2, now: clock.now))!
        clock.advance(.seconds(3299))
        #expect(scheduler.beginResponse(busy, waiter: 0, now: clock.now) == .proceed)
        clock.advance(.seconds(1))
        // Aged with a response in flight: leases go stale at once, the close waits for the turn to end.
        #expect(scheduler.tick(now: clock.now) == [.epochChanged(connection: 0, epoch: 1)])
        #expect(!scheduler.isCurrent(idle))
        #expect(scheduler.beginResponse(idle, waiter: 0, now: clock.now) == .stale)
        #expect(scheduler.lease(run: runC, waiter: 3, now: clock.now) == .queued)
        #expect(scheduler.tick(now: clock.now) == [])
        #expect(scheduler.endResponse(connection: 0, lane: busy.lane, now: clock.now) == [.close(connection: 0, reason: .maxAge)])
        _ = scheduler.connectionDown(0, now: clock.now)
        let actions = scheduler.connectionUp(0, now: clock.now)
        #expect(actions == [.grant(waiter: 3, ticket: LeaseTicket(id: 3, connection: 0, lane: 0, epoch: 1), waited: .zero)])
    }

    @Test func anIdleConnectionPastItsAgeClosesAtOnce() {
        var scheduler = makeScheduler(connections: 1)
        _ = scheduler.connectionUp(0, now: .zero)
        #expect(
            scheduler.tick(now: .seconds(3300))
                == [.epochChanged(connection: 0, epoch: 1), .close(connection: 0, reason: .maxAge)]
        )
        #expect(scheduler.tick(now: .seconds(3301)) == [])
    }

    @Test func aSilentResponseTimesOutAndRetiresItsConnection() {
        var clock = ManualClock()
        var scheduler = makeScheduler(connections: 1, lanes: 2)
        _ = scheduler.connectionUp(0, now: clock.now)
        let ticket = granted(scheduler.lease(run: runA, waiter: 1, now: clock.now))!
        #expect(scheduler.beginResponse(ticket, waiter: 0, now: clock.now) == .proceed)
        clock.advance(.seconds(200))
        scheduler.frameReceived(connection: 0, lane: ticket.lane, now: clock.now)
        clock.advance(.seconds(299))
        #expect(scheduler.tick(now: clock.now) == [])
        clock.advance(.seconds(1))
        #expect(
            scheduler.tick(now: clock.now) == [
                .failIdleResponse(connection: 0, lane: 0), .epochChanged(connection: 0, epoch: 1),
                .close(connection: 0, reason: .idleTimeout),
            ]
        )
    }

    @Test func aConnectionScopedErrorRetiresTheConnectionEvenMidResponse() {
        var scheduler = makeScheduler(connections: 2, lanes: 1)
        _ = scheduler.connectionUp(0, now: .zero)
        let ticket = granted(scheduler.lease(run: runA, waiter: 1, now: .zero))!
        #expect(scheduler.beginResponse(ticket, waiter: 0, now: .zero) == .proceed)
        #expect(
            scheduler.retire(0, reason: .connectionError, now: .zero)
                == [.epochChanged(connection: 0, epoch: 1), .close(connection: 0, reason: .connectionError)]
        )
        #expect(!scheduler.isCurrent(ticket))
        #expect(scheduler.noConnectionSince == .zero)
    }
}
