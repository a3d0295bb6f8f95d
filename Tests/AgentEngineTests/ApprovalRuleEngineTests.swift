import AgentModel
import Testing

@testable import AgentEngine

/// The engine carries out `applyRules`: an always-decision on the first call decides the tool's later calls, each
/// recorded as its own decision, and a person deciding such a call afterwards finds it decided.
struct ApprovalRuleEngineTests {
    typealias Harness = RunManagerTests.Harness

    @Test(arguments: [true, false]) func anAlwaysDecisionDecidesTheLaterCallsOfTheTool(allow: Bool) async throws {
        let harness = Harness(upstream: ScriptedUpstream(toolTurns: 3))
        let people = PeopleInTheLoopTests()
        try await people.withManager(harness) {
            let run = try await harness.manager.start(StartRunRequest(prompt: "go", cwd: "/", requireApproval: ["shell"]))
            try await people.waitFor(harness, run.id) { $0.type == ControlEventType.approvalRequested }
            let always = ApprovalResolved(
                callID: "call_0", approved: allow, reason: nil, client: "editor-a", uid: 1000, remember: .always)
            #expect(try await harness.manager.resolveApproval(run.id, always) == .resolved)
            let final = try await people.follow(harness, run.id)

            #expect(final.status == .completed)
            #expect(harness.tools.calls.withLock { $0.count } == (allow ? 3 : 0))
            #expect(harness.store.all.filter { $0.type == ControlEventType.approvalRequested }.count == 1)
            let decisions = try harness.store.all.filter { $0.type == ControlEventType.approvalResolved }.map {
                try ApprovalResolved(json: $0.payload)
            }
            let rule = try #require(final.approvalRules["shell"])
            let byRule = ["call_1", "call_2"].map {
                rule.decision(on: ToolCallRecord(callID: $0, name: "shell", arguments: "{}", status: .requested))
            }
            #expect(decisions == [always] + byRule)
            // A person deciding a call the rule decided learns the rule's decision and who made the rule.
            let late = ApprovalResolved(callID: "call_1", approved: !allow, reason: nil, client: "terminal", uid: 1000)
            #expect(try await harness.manager.resolveApproval(run.id, late) == .alreadyResolved(byRule[0]))
        }
    }
}
