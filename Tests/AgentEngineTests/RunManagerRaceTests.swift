import AgentModel
import Logging
import Testing

@testable import AgentEngine

/// Concurrent commands on one run: whatever the interleaving, one driver works on it and its ledger stays one
/// consistent history (no seq written twice, one `run.resumed`, nothing after the end).
struct RunManagerRaceTests {
    typealias Harness = RunManagerTests.Harness

    static let iterations = 150

    /// An interrupted run whose next step is a `shell` call that has not started (the tools block, so a resumed
    /// run stays active until it is cancelled).
    static func interruptedBeforeACall(_ id: RunID) -> [LedgerEvent] {
        var events = PeopleInTheLoopTests.ledgerOfACrashDuringAToolCall(id).filter { $0.kind != .tool }
        events.append(
            LedgerEvent(
                runID: id, seq: Int64(events.count), timestampMillis: 1, kind: .run, type: RunEventType.interrupted,
                payload: #"{"reason":"agentd stopped"}"#))
        return events
    }

    /// Runs `body` with the manager's service running, then stops it and waits for every driver to finish.
    func withManager(_ harness: Harness, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await harness.manager.run() }
            try await body()
            harness.manager.stopAccepting()
            group.cancelAll()
        }
    }

    func outcome(_ body: () async throws -> RunState) async -> Result<RunState, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    /// Follows the run's feed until `match` (or its end).
    func waitFor(_ harness: Harness, _ run: RunID, _ match: @escaping (LedgerEvent) -> Bool) async throws {
        for try await item in harness.manager.feed(run, fromSeq: 0) {
            if case .event(let event) = item, match(event) { return }
            if case .ended = item { return }
        }
    }

    /// The run's events: seqs 0, 1, 2, … with no gap or repeat.
    func checkedEvents(_ harness: Harness, _ id: RunID) -> [LedgerEvent] {
        let events = harness.store.all.filter { $0.runID == id }
        #expect(events.map(\.seq) == Array(0..<Int64(events.count)))
        return events
    }

    @Test func concurrentResumesStartOneDriver() async throws {
        let id = RunID(rawValue: "run_race_resume")
        for iteration in 0..<Self.iterations {
            let harness = Harness(upstream: ScriptedUpstream(toolTurns: 1), blockingTools: true)
            try await harness.store.append(Self.interruptedBeforeACall(id))
            try await withManager(harness) {
                async let first = outcome { try await harness.manager.resume(id) }
                async let second = outcome { try await harness.manager.resume(id) }
                let results = await [first, second]
                for case .failure(let error) in results { Issue.record("iteration \(iteration): resume threw \(error)") }
                try await waitFor(harness, id) { $0.type == ToolEventType.started }
                #expect(await harness.manager.activeRunCount == 1, "iteration \(iteration)")
                _ = try await harness.manager.cancel(id, mode: .now, reason: "done")
                try await waitFor(harness, id) { $0.type == RunEventType.cancelled }
            }
            let events = checkedEvents(harness, id)
            #expect(events.filter { $0.type == RunEventType.resumed }.count == 1, "iteration \(iteration)")
            #expect(events.last?.type == RunEventType.cancelled, "iteration \(iteration)")
            #expect(harness.tools.calls.withLock { $0.count } == 1, "iteration \(iteration): one driver runs the call")
            #expect(await harness.manager.activeRunCount == 0)
        }
    }

    @Test func resumeRacingCancelEndsCancelledWithOneConsistentLedger() async throws {
        let id = RunID(rawValue: "run_race_cancel")
        for iteration in 0..<Self.iterations {
            let harness = Harness(upstream: ScriptedUpstream(toolTurns: 1), blockingTools: true)
            try await harness.store.append(Self.interruptedBeforeACall(id))
            try await withManager(harness) {
                async let resumed = outcome { try await harness.manager.resume(id) }
                async let cancelled = outcome { try await harness.manager.cancel(id, mode: .now, reason: "stop") }
                let (resume, cancel) = await (resumed, cancelled)
                if case .failure(let error) = cancel { Issue.record("iteration \(iteration): cancel threw \(error)") }
                if case .failure(let error) = resume, (error as? EngineError)?.code != .invalidRequest {
                    Issue.record("iteration \(iteration): resume threw \(error)")
                }
                try await waitFor(harness, id) { $0.type == RunEventType.cancelled }
            }
            let events = checkedEvents(harness, id)
            #expect(events.filter { $0.type == RunEventType.cancelled }.count == 1, "iteration \(iteration)")
            #expect(events.last?.type == RunEventType.cancelled, "iteration \(iteration)")
            #expect(RunReducer.replay(id, events).status == .cancelled)
            #expect(await harness.manager.activeRunCount == 0)
        }
    }
}
