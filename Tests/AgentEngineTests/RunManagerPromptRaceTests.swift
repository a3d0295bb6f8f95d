import AgentModel
import Logging
import Testing

@testable import AgentEngine

/// Concurrent prompts on one ended run: whatever the interleaving, one opens the next turn (after recording the
/// interrupted turn's end) and the other joins it as input or opens the turn after it; one driver works at a time
/// and the ledger is one history.
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
                #expect(await harness.manager.activeRunCount <= 1, "iteration \(iteration)")
                // The new turn may already have completed (the model answers at once); else it is stopped here.
                _ = try? await harness.manager.cancel(id, mode: .now, reason: "done")
                try await race.waitFor(harness, id) {
                    ($0.type == RunEventType.cancelled && $0.payload.contains("done")) || $0.type == RunEventType.completed
                }
            }
            let events = race.checkedEvents(harness, id)
            let types = events.map(\.type)
            // Either the second prompt joined the first one's turn as input, or it came after that turn ended and
            // opened the next: never two turns at once, never input lost.
            let opens = types.filter { $0 == RunEventType.turnStarted }.count
            let inputs = types.filter { $0 == ControlEventType.inputAdded }.count
            #expect((opens == 1 && inputs == 1) || (opens == 2 && inputs == 0), "iteration \(iteration): \(types)")
            let opened = try #require(types.firstIndex(of: RunEventType.turnStarted))
            #expect(types[opened - 1] == RunEventType.cancelled, "iteration \(iteration)")
            #expect(!types.contains(RunEventType.resumed), "iteration \(iteration)")
            let state = RunReducer.replay(id, events)
            #expect(state.turns.count == 1 + opens, "iteration \(iteration)")
            #expect(state.inputIDs == ["p1", "p2"], "iteration \(iteration)")
            #expect(await harness.manager.activeRunCount == 0)
        }
    }
}
