import AgentClient
import AgentControl
import AgentModel
import AgentProtocol
import Foundation
import Testing

@Suite("Idempotent requests (request_id)")
struct IdempotencyTests {
    @Test func aRepeatedStartReturnsTheStoredRunAndStartsNothing() async throws {
        try await TestServer.with { server in
            let client = try await server.client()
            let params = RunStart.Params(prompt: "hi", requestID: "k1")
            let first = try await client.call(RunStart.self, params)
            let second = try await client.call(RunStart.self, params)
            #expect(first == second)
            #expect(server.backend.startedRuns == 1)
            // Another connection of the same uid shares the key.
            let other = try await server.client()
            #expect(try await other.call(RunStart.self, params) == first)
            #expect(server.backend.startedRuns == 1)
            await client.close()
            await other.close()
        }
    }

    @Test func theSameKeyWithOtherParamsIsRefused() async throws {
        try await TestServer.with { server in
            let client = try await server.client()
            _ = try await client.call(RunStart.self, RunStart.Params(prompt: "hi", requestID: "k1"))
            let changed = await #expect(throws: ControlError.self) {
                try await client.call(RunStart.self, RunStart.Params(prompt: "bye", requestID: "k1"))
            }
            #expect(changed?.code == .idempotencyKeyReused)
            #expect(changed?.data?["request_id"] == .string("k1"))
            // Another method with the same key is another request too.
            server.backend.addRun(RunID(rawValue: "run_a"))
            let otherMethod = await #expect(throws: ControlError.self) {
                try await client.call(
                    RunCancel.self, RunCancel.Params(runID: RunID(rawValue: "run_a"), requestID: "k1"))
            }
            #expect(otherMethod?.code == .idempotencyKeyReused)
            #expect(server.backend.cancellations.isEmpty)
            await client.close()
        }
    }

    @Test func concurrentDuplicatesRunOnceAndShareTheResult() async throws {
        try await TestServer.with { server in
            let (resultA, resultB) = try await server.concurrentDuplicateStarts(requestID: "k2")
            #expect(resultA == resultB)
            #expect(server.backend.startedRuns == 1)
        }
    }

    @Test func aFailedRequestFreesItsKey() async throws {
        try await TestServer.with { server in
            let run = RunID(rawValue: "run_a")
            server.backend.addRun(run)
            server.backend.setStatus(run, .completed)
            let client = try await server.client()
            let refused = await #expect(throws: ControlError.self) {
                try await client.call(RunCancel.self, RunCancel.Params(runID: run, requestID: "k3"))
            }
            #expect(refused?.code == .invalidParams)
            server.backend.setStatus(run, .running)
            let retried = try await client.call(RunCancel.self, RunCancel.Params(runID: run, requestID: "k3"))
            #expect(retried.run.status == .cancelled)
            await client.close()
        }
    }

    @Test func approvalResolveRepeatsAnswerResolvedNotAlreadyResolved() async throws {
        try await TestServer.with { server in
            let run = RunID(rawValue: "run_a")
            server.backend.addRun(run)
            server.backend.addApproval(run, callID: "c1")
            let client = try await server.client()
            let params = ApprovalResolve.Params(runID: run, callID: "c1", approve: true, requestID: "k4")
            let first = try await client.call(ApprovalResolve.self, params)
            let retry = try await client.call(ApprovalResolve.self, params)
            #expect(first == ApprovalResolve.Result(outcome: .resolved, approved: true))
            #expect(retry == first)
            #expect(server.backend.decisions.count == 1)
            await client.close()
        }
    }

    @Test func keysExpireAfterTheirTimeToLive() async throws {
        let clock = ManualClock()
        var configuration = ControlConfiguration()
        configuration.idempotencyTTL = .seconds(24 * 3600)
        configuration.idempotencyClock = { clock.now }
        try await TestServer.with(configuration: configuration) { server in
            let client = try await server.client()
            _ = try await client.call(RunStart.self, RunStart.Params(prompt: "hi", requestID: "k5"))
            clock.advance(by: .seconds(23 * 3600))
            _ = try await client.call(RunStart.self, RunStart.Params(prompt: "hi", requestID: "k5"))
            #expect(server.backend.startedRuns == 1)
            clock.advance(by: .seconds(3600))
            // Expired: the key is free again, even for other params.
            _ = try await client.call(RunStart.self, RunStart.Params(prompt: "other", requestID: "k5"))
            #expect(server.backend.startedRuns == 2)
            await client.close()
        }
    }

    @Test func theStoreKeepsUsersApartAndForgetsTheOldestBeyondCapacity() async throws {
        let clock = ManualClock()
        let store = IdempotencyStore(capacity: 2, now: { clock.now })
        let alice = IdempotencyStore.Key(uid: 1000, requestID: "k")
        let bob = IdempotencyStore.Key(uid: 1001, requestID: "k")
        let a = IdempotencyStore.Fingerprint(method: "run/start", paramsHash: "a")
        let b = IdempotencyStore.Fingerprint(method: "run/start", paramsHash: "b")
        let c = IdempotencyStore.Fingerprint(method: "run/start", paramsHash: "c")
        let x = IdempotencyStore.Fingerprint(method: "run/start", paramsHash: "x")
        #expect(try await store.begin(alice, fingerprint: a) == .execute)
        #expect(try await store.begin(bob, fingerprint: b) == .execute)
        await store.finish(alice, fingerprint: a, result: Data("1".utf8))
        clock.advance(by: .seconds(1))
        await store.finish(bob, fingerprint: b, result: Data("2".utf8))
        #expect(try await store.begin(alice, fingerprint: a) == .replay(Data("1".utf8)))
        #expect(try await store.begin(alice, fingerprint: x) == .conflict)
        let third = IdempotencyStore.Key(uid: 1000, requestID: "k3")
        #expect(try await store.begin(third, fingerprint: c) == .execute)
        clock.advance(by: .seconds(1))
        await store.finish(third, fingerprint: c, result: Data("3".utf8))
        #expect(store.count == 2)
        // Alice's entry was the oldest: forgotten, so the key runs again.
        #expect(try await store.begin(alice, fingerprint: x) == .execute)
    }
}

/// A clock that moves only when told to.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var instant = ContinuousClock.now

    var now: ContinuousClock.Instant {
        lock.lock()
        defer { lock.unlock() }
        return instant
    }

    func advance(by duration: Duration) {
        lock.lock()
        instant = instant.advanced(by: duration)
        lock.unlock()
    }
}
