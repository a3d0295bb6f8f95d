import AgentClient
import AgentControl
import AgentModel
import AgentProtocol
import Foundation
import Testing

/// `request_id` records kept in a persistent store (the ledger in agentd): they outlive a server.
@Suite("Idempotent requests across restarts")
struct PersistentIdempotencyTests {
    /// A backend that keeps its idempotency records in `store`.
    static func backend(_ store: InMemoryRequestStore) -> FakeBackend {
        let backend = FakeBackend()
        backend.requestStore = store
        return backend
    }

    @Test func aRestartedServerAnswersARepeatedStartFromTheStore() async throws {
        let store = InMemoryRequestStore()
        let params = RunStart.Params(prompt: "hi", requestID: "k1")
        let first = try await TestServer.with(backend: Self.backend(store)) { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            return try await client.call(RunStart.self, params)
        }
        // The backend committed the record with the run (the recorder); the server did not record it again.
        #expect(store.insertions == 1)
        try await TestServer.with(backend: Self.backend(store)) { server in
            let client = try await server.client()
            let repeated = try await client.call(RunStart.self, params)
            let changed = await #expect(throws: ControlError.self) {
                try await client.call(RunStart.self, RunStart.Params(prompt: "bye", requestID: "k1"))
            }
            #expect(repeated == first)
            #expect(changed?.code == .idempotencyKeyReused)
            #expect(server.backend.startedRuns == 0)
            await client.close()
        }
    }

    @Test func concurrentDuplicatesRunOnceAndAreRecordedOnce() async throws {
        let store = InMemoryRequestStore()
        try await TestServer.with(backend: Self.backend(store)) { server in
            let (resultA, resultB) = try await server.concurrentDuplicateStarts(requestID: "k2")
            #expect(resultA == resultB)
            #expect(server.backend.startedRuns == 1)
            #expect(store.insertions == 1)
        }
    }

    @Test func inputIsRecordedBeforeItIsAnsweredAndNotAppliedAgainAfterARestart() async throws {
        let store = InMemoryRequestStore()
        let run = RunID(rawValue: "run_a")
        let params = RunInput.Params(runID: run, text: "more", requestID: "in1")
        let first = try await TestServer.with(backend: Self.backend(store)) { server in
            server.backend.addRun(run)
            let client = try await server.client()
            let result = try await client.call(RunInput.self, params)
            #expect(store.requestIDs == ["in1"])
            await client.close()
            return result
        }
        try await TestServer.with(backend: Self.backend(store)) { server in
            server.backend.addRun(run)
            let client = try await server.client()
            let repeated = try await client.call(RunInput.self, params)
            #expect(repeated == first)
            #expect(server.backend.inputs(of: run).isEmpty)
            await client.close()
        }
        #expect(first.applied)
    }

    @Test func expiredRecordsArePrunedAtStartUpAndTheirKeysAreFree() async throws {
        let store = InMemoryRequestStore()
        let now = LedgerEvent.nowMillis()
        let hour: Int64 = 3600 * 1000
        store.seed(
            ControlRequestRecord(
                uid: getuid(), requestID: "old", method: RunStart.name, paramsHash: "x", result: "{}",
                createdAtMillis: now - 25 * hour))
        store.seed(
            ControlRequestRecord(
                uid: getuid(), requestID: "young", method: RunStart.name, paramsHash: "x", result: "{}",
                createdAtMillis: now - 23 * hour))
        try await TestServer.with(backend: Self.backend(store)) { server in
            #expect(store.requestIDs == ["young"])
            let client = try await server.client()
            _ = try await client.call(RunStart.self, RunStart.Params(prompt: "new", requestID: "old"))
            #expect(server.backend.startedRuns == 1)
            await client.close()
        }
        #expect(store.requestIDs == ["young", "old"])
        #expect(store.pruneCutoffs.count == 1)
    }

    @Test func aRecordOlderThanTheTTLIsForgottenWhileTheServerRuns() async throws {
        let store = InMemoryRequestStore()
        let clock = ManualClock()
        var configuration = ControlConfiguration()
        configuration.idempotencyClock = { clock.now }
        try await TestServer.with(configuration: configuration, backend: Self.backend(store)) {
            server in
            let client = try await server.client()
            _ = try await client.call(RunStart.self, RunStart.Params(prompt: "hi", requestID: "k5"))
            clock.advance(by: .seconds(24 * 3600 - 1))
            _ = try await client.call(RunStart.self, RunStart.Params(prompt: "hi", requestID: "k5"))
            #expect(server.backend.startedRuns == 1)
            clock.advance(by: .seconds(1))
            // 24 h old: the key is free again, even for other params, and its new record replaces the old.
            let other = try await client.call(
                RunStart.self, RunStart.Params(prompt: "other", requestID: "k5"))
            #expect(server.backend.startedRuns == 2)
            await client.close()
            let stored = try await store.controlRequest(uid: getuid(), requestID: "k5")
            #expect(stored.map { try? JSONCoding.decode(RunStart.Result.self, from: $0.result) } == other)
        }
    }

    @Test func aResultWhoseRecordCannotBeCommittedIsAnsweredAndRememberedInMemory() async throws {
        let store = InMemoryRequestStore()
        let run = RunID(rawValue: "run_a")
        try await TestServer.with(backend: Self.backend(store)) { server in
            server.backend.addRun(run)
            store.insertFailure = LedgerFailure(code: .diskFull, message: "injected")
            let client = try await server.client()
            let params = RunInput.Params(runID: run, text: "more", requestID: "in2")
            let first = try await client.call(RunInput.self, params)
            let repeated = try await client.call(RunInput.self, params)
            #expect(first.applied)
            #expect(repeated == first)
            #expect(server.backend.inputs(of: run) == ["more"])
            #expect(store.requestIDs.isEmpty)
            await client.close()
        }
    }

    @Test func aStoreThatCannotBeReadRefusesTheRequestAndRunsNothing() async throws {
        let store = InMemoryRequestStore()
        try await TestServer.with(backend: Self.backend(store)) { server in
            store.failure = LedgerFailure(code: .ioError, message: "injected")
            let client = try await server.client()
            let refused = await #expect(throws: ControlError.self) {
                try await client.call(RunStart.self, RunStart.Params(prompt: "hi", requestID: "k6"))
            }
            store.failure = nil
            // The key was left free: the retry runs.
            _ = try await client.call(RunStart.self, RunStart.Params(prompt: "hi", requestID: "k6"))
            #expect(refused?.code == .ledgerUnavailable)
            #expect(server.backend.startedRuns == 1)
            await client.close()
        }
    }
}
