import AgentModel
import Logging
import Synchronization
import Testing

@testable import AgentEngine

/// A daemon stop (SIGTERM: the manager's service is cancelled) while a tool call runs, then a new manager on the
/// same ledger: a call killed by the stop may have had its effect, exactly as after a crash.
struct StopDuringAToolCallTests {
    /// One store (and the hub its commits are published to) shared by the manager that stops and the one that
    /// resumes.
    let hub = EventHub()
    let store: InMemoryEventStore

    init() {
        let hub = self.hub
        store = InMemoryEventStore(observer: { hub.publish($0) })
    }

    func manager(_ tools: RecordingTools) -> RunManager {
        RunManager(
            store: store, upstream: ScriptedUpstream(toolTurns: 1), tools: tools, hub: hub,
            configuration: EngineConfiguration(defaultModel: "m"), logger: Logger(label: "test"))
    }

    /// Starts a run whose only call blocks, stops the manager once the call started, and returns the run id.
    func runStoppedDuringItsCall(idempotent: Set<String>) async throws -> RunID {
        let first = manager(RecordingTools(blocking: true, idempotent: idempotent))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await first.run() }
            let run = try await first.start(StartRunRequest(prompt: "go", cwd: "/"))
            for try await item in first.feed(run.id, fromSeq: 0) {
                if case .event(let event) = item, event.type == ToolEventType.started { break }
            }
            // What SIGTERM does: the service group cancels the manager's service.
            first.stopAccepting()
            group.cancelAll()
            try await group.waitForAll()
            return run.id
        }
    }

    /// Resumes `id` on a fresh manager and follows its feed until `stop` says so; returns the state then.
    func resume(
        _ id: RunID, on second: RunManager, until stop: @escaping @Sendable (LedgerEvent) -> Bool,
        then act: @escaping @Sendable () async throws -> Void = {}
    ) async throws -> RunState {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await second.run() }
            let resumed = try await second.resume(id)
            for try await item in second.feed(id, fromSeq: resumed.lastSeq) {
                if case .event(let event) = item, stop(event) { break }
                if case .ended = item { break }
            }
            try await act()
            for try await item in second.feed(id, fromSeq: 0) {
                if case .ended = item { break }
            }
            let state = try await second.state(of: id)
            second.stopAccepting()
            group.cancelAll()
            return state
        }
    }

    @Test func aNonIdempotentCallKilledByAStopWaitsForAPersonOnResume() async throws {
        let id = try await runStoppedDuringItsCall(idempotent: [])
        #expect(RunReducer.replay(id, store.all).status == .interrupted)
        let tools = RecordingTools()
        let second = manager(tools)
        let approval = Mutex<ApprovalRequested?>(nil)
        let final = try await resume(id, on: second) { event in
            guard event.type == ControlEventType.approvalRequested else { return false }
            approval.withLock { $0 = try? ApprovalRequested(json: event.payload) }
            return true
        } then: {
            // Nothing ran before the person decided.
            #expect(tools.calls.withLock { $0.isEmpty })
            let decision = ApprovalResolved(callID: "call_0", approved: true, reason: nil, client: "me", uid: 1)
            let outcome = try await second.resolveApproval(id, decision)
            #expect(outcome == .resolved)
        }
        #expect(approval.withLock { $0 }?.reason == .uncertain)
        #expect(approval.withLock { $0 }?.callID == "call_0")
        #expect(final.status == .completed)
        #expect(tools.calls.withLock { $0.map(\.callID) } == ["call_0"])
        #expect(!store.all.contains { $0.type == ToolEventType.abandoned })
        #expect(RunReducer.replay(id, store.all) == final)
    }

    @Test func anIdempotentCallKilledByAStopRunsAgainWithoutAsking() async throws {
        let id = try await runStoppedDuringItsCall(idempotent: ["shell"])
        let tools = RecordingTools(idempotent: ["shell"])
        let final = try await resume(id, on: manager(tools)) { _ in false }
        #expect(final.status == .completed)
        #expect(tools.calls.withLock { $0.map(\.callID) } == ["call_0"])
        #expect(!store.all.contains { $0.type == ControlEventType.approvalRequested })
        #expect(store.all.contains { $0.type == ToolEventType.abandoned })
    }
}
