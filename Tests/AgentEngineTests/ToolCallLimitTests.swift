import AgentModel
import Logging
import Testing

@testable import AgentEngine

/// `run.max_tool_calls`: at the limit a run pauses for a person's approval to go on instead of failing.
struct ToolCallLimitTests {
    struct Harness {
        let tools = RecordingTools()
        let manager: RunManager

        init(toolTurns: Int, maxToolCalls: Int) {
            let hub = EventHub()
            let store = InMemoryEventStore(observer: { hub.publish($0) })
            var configuration = EngineConfiguration(defaultModel: "m")
            configuration.maxToolCalls = maxToolCalls
            manager = RunManager(
                store: store, upstream: ScriptedUpstream(toolTurns: toolTurns), tools: tools, hub: hub,
                configuration: configuration, logger: Logger(label: "test"))
        }
    }

    func withManager(_ harness: Harness, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await harness.manager.run() }
            try await body()
            harness.manager.stopAccepting()
            group.cancelAll()
        }
    }

    /// Follows the feed until an event matches, returning it.
    func waitFor(_ harness: Harness, _ run: RunID, _ match: @escaping (LedgerEvent) -> Bool) async throws -> LedgerEvent? {
        for try await item in harness.manager.feed(run, fromSeq: 0) {
            if case .event(let event) = item, match(event) { return event }
            if case .ended = item { return nil }
        }
        return nil
    }

    func follow(_ harness: Harness, _ run: RunID) async throws -> RunState {
        for try await item in harness.manager.feed(run, fromSeq: 0) {
            if case .ended = item { break }
        }
        return try await harness.manager.state(of: run)
    }

    func continuation(_ callID: String, approved: Bool) -> ApprovalResolved {
        ApprovalResolved(callID: callID, approved: approved, reason: approved ? nil : "enough", client: "t", uid: 1)
    }

    @Test func theRunPausesAtTheLimitAndApprovalLetsItFinish() async throws {
        let harness = Harness(toolTurns: 3, maxToolCalls: 2)
        try await withManager(harness) {
            let run = try await harness.manager.start(StartRunRequest(prompt: "go", cwd: "/"))
            let requested = try await waitFor(harness, run.id) { $0.type == ControlEventType.approvalRequested }
            let request = try JSONCoding.decode(ApprovalRequested.self, from: try #require(requested).payload)
            #expect(request.reason == .toolCallLimit && request.callID == "call_2")
            let paused = try await harness.manager.state(of: run.id)
            #expect(paused.status == .awaitingApproval)
            #expect(harness.tools.calls.withLock { $0.count } == 2)

            let outcome = try await harness.manager.resolveApproval(run.id, continuation("call_2", approved: true))
            #expect(outcome == .resolved)
            let final = try await follow(harness, run.id)
            #expect(final.status == .completed)
            #expect(harness.tools.calls.withLock { $0.map(\.callID) } == ["call_0", "call_1", "call_2"])
        }
    }

    @Test func denyingToGoOnEndsTheRunAsCancelledNotFailed() async throws {
        let harness = Harness(toolTurns: 3, maxToolCalls: 2)
        try await withManager(harness) {
            let run = try await harness.manager.start(StartRunRequest(prompt: "go", cwd: "/"))
            _ = try await waitFor(harness, run.id) { $0.type == ControlEventType.approvalRequested }
            _ = try await harness.manager.resolveApproval(run.id, continuation("call_2", approved: false))
            let final = try await follow(harness, run.id)
            #expect(final.status == .cancelled)
            #expect(final.endReason?.contains("run.max_tool_calls") == true)
            #expect(harness.tools.calls.withLock { $0.count } == 2)
        }
    }

    @Test func aRunUnderTheLimitNeverAsks() async throws {
        let harness = Harness(toolTurns: 2, maxToolCalls: 2)
        try await withManager(harness) {
            let run = try await harness.manager.start(StartRunRequest(prompt: "go", cwd: "/"))
            let final = try await follow(harness, run.id)
            #expect(final.status == .completed)
            #expect(final.toolCalls.allSatisfy { $0.approval == nil })
        }
    }
}
