import AgentModel
import Logging
import Testing

@testable import AgentEngine

/// Concurrent prompts on one ended run: whatever the interleaving, one opens the next turn (after recording the
/// interrupted turn's end), the other joins that turn as input, one driver works, and the ledger is one history.
struct RunManagerPromptRaceTests {
    typealias Harness = RunManagerTests.Harness
    let race = RunManagerRaceTests()

    @Test func concurrentPromptsOpenOneTurnAndQueueTheOther() async throws {
        let id = RunID(rawValue: "run_race_prompt")
        for iteration in 0..<RunManagerRaceTests.iterations {
            let harness = Harness(upstream: ScriptedUpstream(toolTurns: 1), blockingTools: true)
            try await harness.store.append(RunManagerRaceTests.interruptedBeforeACall(id))
            try await race.withManager(harness) {
                async let first = race.outcome { try await harness.manager.prompt(id, text: "one", inputID: "p1").state }
                async let second = race.outcome { try await harness.manager.prompt(id, text: "two", inputID: "p2").state }
                let results = await [first, second]
                for case .failure(let error) in results { Issue.record("iteration \(iteration): prompt threw \(error)") }
                #expect(await harness.manager.activeRunCount == 1, "iteration \(iteration)")
                _ = try await harness.manager.cancel(id, mode: .now, reason: "done")
                try await race.waitFor(harness, id) { $0.type == RunEventType.cancelled && $0.payload.contains("done") }
            }
            let events = race.checkedEvents(harness, id)
            let types = events.map(\.type)
            #expect(types.filter { $0 == RunEventType.turnStarted }.count == 1, "iteration \(iteration)")
            #expect(types.filter { $0 == ControlEventType.inputAdded }.count == 1, "iteration \(iteration)")
            // The interrupted turn ended (superseded) before the new one opened, and never resumed.
            let opened = try #require(types.firstIndex(of: RunEventType.turnStarted))
            #expect(types[opened - 1] == RunEventType.cancelled, "iteration \(iteration)")
            #expect(!types.contains(RunEventType.resumed), "iteration \(iteration)")
            let state = RunReducer.replay(id, events)
            #expect(state.turns.count == 2, "iteration \(iteration)")
            #expect(state.inputIDs == ["p1", "p2"], "iteration \(iteration)")
            #expect(await harness.manager.activeRunCount == 0)
        }
    }
}
