import AgentModel
import Logging
import Testing

@testable import AgentEngine

/// Approvals, injected input and cancellation: what people do to a running run.
struct PeopleInTheLoopTests {
    typealias Harness = RunManagerTests.Harness

    /// Runs `body` with the manager's service running, then stops it.
    func withManager(_ harness: Harness, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await harness.manager.run() }
            try await body()
            harness.manager.stopAccepting()
            group.cancelAll()
        }
    }

    /// Follows the run's feed until an event satisfies `match`.
    func waitFor(_ harness: Harness, _ run: RunID, _ match: @escaping (LedgerEvent) -> Bool) async throws {
        for try await item in harness.manager.feed(run, fromSeq: 0) {
            if case .event(let event) = item, match(event) { return }
            if case .ended = item { Issue.record("the run ended before the awaited event"); return }
        }
    }

    func follow(_ harness: Harness, _ run: RunID) async throws -> RunState {
        for try await item in harness.manager.feed(run, fromSeq: 0) {
            if case .ended = item { break }
        }
        return try await harness.manager.state(of: run)
    }

    func decision(_ call: String, _ approved: Bool, by client: String) -> ApprovalResolved {
        ApprovalResolved(callID: call, approved: approved, reason: approved ? nil : "not today", client: client, uid: 1000)
    }

    @Test func approvalGatesTheToolAndTheFirstDecisionWins() async throws {
        let harness = Harness(upstream: ScriptedUpstream(toolTurns: 1))
        try await withManager(harness) {
            let run = try await harness.manager.start(StartRunRequest(prompt: "go", cwd: "/", requireApproval: ["shell"]))
            try await waitFor(harness, run.id) { $0.type == ControlEventType.approvalRequested }
            #expect(try await harness.manager.state(of: run.id).status == .awaitingApproval)
            #expect(harness.tools.calls.withLock { $0.isEmpty })

            let (a, b) = (decision("call_0", true, by: "editor-a"), decision("call_0", false, by: "editor-b"))
            async let first = harness.manager.resolveApproval(run.id, a)
            async let second = harness.manager.resolveApproval(run.id, b)
            let outcomes = try await [first, second]
            // The loser learns the winner's decision and who made it.
            let winner = outcomes[0] == .resolved ? a : b
            let expected: [ApprovalOutcome] =
                winner == a ? [.resolved, .alreadyResolved(a)] : [.alreadyResolved(b), .resolved]
            #expect(outcomes == expected)

            let final = try await follow(harness, run.id)
            #expect(final.status == .completed)
            // After the run ended, the ledger still answers with the decision in force; an unknown call is not found.
            let late = try await harness.manager.resolveApproval(run.id, decision("call_0", true, by: "late"))
            #expect(late == .alreadyResolved(winner))
            let unknown = try await harness.manager.resolveApproval(run.id, decision("call_9", true, by: "late"))
            #expect(unknown == .notFound)
            let ran = harness.tools.calls.withLock { $0.count }
            let decisions = harness.store.all.filter { $0.type == ControlEventType.approvalResolved }
            #expect(decisions.count == 1)
            #expect(ran == (decisions.first!.payload.contains(#""approved":true"#) ? 1 : 0))
        }
    }

    @Test func deniedCallIsNeverRunAndTheModelIsTold() async throws {
        let harness = Harness(upstream: ScriptedUpstream(toolTurns: 1))
        try await withManager(harness) {
            let run = try await harness.manager.start(StartRunRequest(prompt: "go", cwd: "/", requireApproval: ["shell"]))
            try await waitFor(harness, run.id) { $0.type == ControlEventType.approvalRequested }
            #expect(try await harness.manager.resolveApproval(run.id, decision("call_0", false, by: "me")) == .resolved)
            let final = try await follow(harness, run.id)

            #expect(final.status == .completed)
            #expect(harness.tools.calls.withLock { $0.isEmpty })
            let denial = Items.functionCallOutput(
                callID: "call_0", output: Items.denialOutput(uncertain: false, reason: "not today"))
            #expect(harness.upstream.requests.last?["input"] == [denial])
        }
    }

    @Test func injectedInputReachesTheNextRequestOnceAfterTheToolOutput() async throws {
        let harness = Harness(upstream: ScriptedUpstream(toolTurns: 1))
        try await withManager(harness) {
            let run = try await harness.manager.start(StartRunRequest(prompt: "go", cwd: "/", requireApproval: ["shell"]))
            try await waitFor(harness, run.id) { $0.type == ControlEventType.approvalRequested }
            let input = InputAdded(inputID: "in-1", text: "also check the logs", client: "term")
            _ = try await harness.manager.addInput(run.id, input)
            _ = try await harness.manager.addInput(run.id, input)  // a retried call
            _ = try await harness.manager.resolveApproval(run.id, decision("call_0", true, by: "term"))
            _ = try await follow(harness, run.id)

            let input1 = Items.normalize(harness.upstream.requests[1]["input"])
            #expect(input1.map { $0["type"]?.stringValue } == ["function_call_output", "message"])
            #expect(input1.last == Items.userMessage("also check the logs"))
            #expect(harness.store.all.filter { $0.type == ControlEventType.inputAdded }.count == 1)
        }
    }

    @Test func cancelNowStopsARunningToolAndRecordsTheCancel() async throws {
        let harness = Harness(upstream: ScriptedUpstream(toolTurns: 3), blockingTools: true)
        try await withManager(harness) {
            let run = try await harness.manager.start(StartRunRequest(prompt: "go", cwd: "/"))
            try await waitFor(harness, run.id) { $0.type == ToolEventType.started }
            _ = try await harness.manager.cancel(run.id, mode: .now, reason: "user pressed stop")
            let final = try await follow(harness, run.id)

            #expect(final.status == .cancelled)
            #expect(final.endReason == "user pressed stop")
            #expect(harness.upstream.requests.count == 1)
        }
    }

    @Test func callStartedBeforeACrashWaitsForAPersonAndRunsOnlyIfApproved() async throws {
        let harness = Harness(upstream: ScriptedUpstream(toolTurns: 1))
        let id = RunID(rawValue: "run_crashed")
        try await harness.store.append(Self.ledgerOfACrashDuringAToolCall(id))
        try await withManager(harness) {
            #expect(try await harness.manager.recoverCrashedRuns() == [id])
            try await waitFor(harness, id) { $0.type == ControlEventType.approvalRequested }
            let pending = await harness.manager.pendingApprovals(id).map(\.1.callID)
            #expect(pending == ["call_0"])
            #expect(harness.tools.calls.withLock { $0.isEmpty })

            _ = try await harness.manager.resolveApproval(id, decision("call_0", true, by: "me"))
            let final = try await follow(harness, id)
            #expect(final.status == .completed)
            #expect(harness.tools.calls.withLock { $0.map(\.callID) } == ["call_0"])
            // The restarted chain carries the whole conversation: the old connection's cache is gone.
            #expect(harness.upstream.requests.first?["previous_response_id"] == nil)
        }
    }

    @Test func anIdempotentCallStartedBeforeACrashRunsAgainWithoutAsking() async throws {
        let harness = Harness(upstream: ScriptedUpstream(toolTurns: 1), idempotentTools: ["shell"])
        let id = RunID(rawValue: "run_crashed_idempotent")
        try await harness.store.append(Self.ledgerOfACrashDuringAToolCall(id))
        try await withManager(harness) {
            #expect(try await harness.manager.recoverCrashedRuns() == [id])
            let final = try await follow(harness, id)
            let types = try await harness.store.events(of: id, fromSeq: 0, limit: 1_000).map(\.type)
            #expect(final.status == .completed)
            #expect(harness.tools.calls.withLock { $0.map(\.callID) } == ["call_0"])
            #expect(!types.contains(ControlEventType.approvalRequested))
            #expect(types.contains(ToolEventType.abandoned))
        }
    }

    @Test func resumingARunInterruptedMidResponseAsksAgainWithTheWholeConversation() async throws {
        let harness = Harness(upstream: ScriptedUpstream(toolTurns: 1))
        let id = RunID(rawValue: "run_midresponse")
        let interrupted = [
            (EventKind.run, RunEventType.started, #"{"cwd":"/","model":"m","prompt":"go","tools":["shell"]}"#),
            (.upstreamOut, "response.create", #"{"type":"response.create","model":"m","input":"go"}"#),
            (.upstreamIn, "response.created", #"{"type":"response.created","response":{"id":"resp_0","output":[]}}"#),
            (.run, RunEventType.interrupted, #"{"reason":"agentd stopped"}"#),
        ].enumerated().map { LedgerEvent(runID: id, seq: Int64($0), timestampMillis: 1, kind: $1.0, type: $1.1, payload: $1.2) }
        try await harness.store.append(interrupted)
        try await withManager(harness) {
            let resumed = try await harness.manager.resume(id)
            // Follow from the resume on: the history before it ends with the interruption.
            for try await item in harness.manager.feed(id, fromSeq: resumed.lastSeq) {
                if case .ended = item { break }
            }
            let final = try await harness.manager.state(of: id)
            #expect(final.status == .completed)
            let first = try #require(harness.upstream.requests.first)
            #expect(first["previous_response_id"] == nil)
            #expect(Items.normalize(first["input"]) == [Items.userMessage("go")])
        }
    }

    /// The ledger of a daemon that died while a `shell` call ran: tool.started without tool.finished.
    static func ledgerOfACrashDuringAToolCall(_ id: RunID) -> [LedgerEvent] {
        [
            (EventKind.run, RunEventType.started, #"{"cwd":"/","model":"m","prompt":"go","tools":["shell"]}"#),
            (.upstreamOut, "response.create", #"{"type":"response.create","model":"m","input":"go"}"#),
            (.upstreamIn, "response.completed", #"{"type":"response.completed","response":{"id":"resp_0","status":"completed","output":[{"type":"function_call","call_id":"call_0","name":"shell","arguments":"{\"cmd\":\"echo 0\"}"}]}}"#),
            (.tool, ToolEventType.started, #"{"call_id":"call_0","name":"shell","arguments":"{}","cwd":"/"}"#),
        ].enumerated().map { LedgerEvent(runID: id, seq: Int64($0), timestampMillis: 1, kind: $1.0, type: $1.1, payload: $1.2) }
    }
}
