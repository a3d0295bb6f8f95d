import AgentModel
import Foundation
import Testing

/// The shared control plane with real processes: approvals raced by two agentctl processes, cancel, injected input.
@Suite(.serialized)
struct ControlPlaneEndToEndTests {
    @Test func racingApprovalsRecordOneDecisionAndTheRunCompletes() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let run = try await harness.startDetached([
            "--require-approval", "shell", "--model", "emu-tools-2", "two steps, each approved",
        ])
        let follower = try harness.follow(run)

        let firstCall = try await follower.nextApprovalRequest(excluding: [])
        async let one = harness.agentctl(["approve", run, firstCall, "--json"])
        async let two = harness.agentctl(["approve", run, firstCall, "--json"])
        let racers = try await [one, two]
        let outcomes = try racers.map { try JSONCoding.decode(JSONValue.self, from: $0.stdout.joined()) }
        #expect(outcomes.compactMap { $0["outcome"]?.stringValue }.sorted() == ["already_resolved", "resolved"])
        #expect(outcomes.allSatisfy { $0["approved"] == .bool(true) })
        #expect(racers.map(\.status).sorted() == [0, 4], "stderr: \(racers.map(\.stderr))")

        // The second call is the run's only waiting one: `approve RUN` finds it.
        let secondCall = try await follower.nextApprovalRequest(excluding: [firstCall])
        let listed = try await harness.agentctl(["approvals", run, "--json"])
        let approvals = try JSONCoding.decode(JSONValue.self, from: listed.stdout.joined())["approvals"]?.arrayValue
        #expect(approvals?.compactMap { $0["call_id"]?.stringValue } == [secondCall])
        let second = try await harness.agentctl(["approve", run])
        #expect(second.status == 0, "stderr: \(second.stderr)")
        #expect(second.stdout == ["call \(secondCall) of run \(run) approved"])

        #expect(try await follower.waitForExit(timeout: .seconds(60)) == 0)
        let expectedDigest = try sha256sum((0..<2).map { "step-\($0) \($0 * 7 + 3)\n\n" }.joined())
        let shown = try await harness.agentctl(["show", run, "--json"])
        let info = try JSONCoding.decode(JSONValue.self, from: shown.stdout.joined())
        #expect(info["status"] == "completed")
        #expect(info["output_text"]?.stringValue == "Completed 2 tool calls.\ndigest=\(expectedDigest)")

        // The ledger has one decision per call, each naming agentctl, this uid and the deciding process (the
        // agentctl processes are gone; their pids are checked by ApprovalAfterEndEndToEndTests).
        let recorded = try await harness.ledger(run).filter { $0.type == "approval.resolved" }
            .map { try JSONCoding.decode(ApprovalResolved.self, from: $0.payload) }
        #expect(recorded.allSatisfy { $0.pid != nil })
        let decisions = recorded.map { decision in
            var decision = decision
            decision.pid = nil
            decision.tty = nil
            return decision
        }
        #expect(
            decisions == [
                ApprovalResolved(callID: firstCall, approved: true, reason: nil, client: "agentctl", uid: getuid()),
                ApprovalResolved(callID: secondCall, approved: true, reason: nil, client: "agentctl", uid: getuid()),
            ])
    }

    @Test func cancelNowStopsARunWaitingForApprovalAndAnEndedRunRefuses() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let run = try await harness.startDetached([
            "--require-approval", "shell", "--model", "emu-tools-1", "wait for me",
        ])
        let follower = try harness.follow(run)
        _ = try await follower.nextApprovalRequest(excluding: [])

        let cancel = try await harness.agentctl(["cancel", run, "--now", "--reason", "changed my mind", "--json"])
        #expect(cancel.status == 0, "stderr: \(cancel.stderr)")
        #expect(try await follower.waitForExit(timeout: .seconds(60)) == 2)
        let events = try await harness.ledger(run)
        let ended = try #require(events.last)
        #expect(ended.type == "run.cancelled")
        #expect(try JSONCoding.decode(RunEnded.self, from: ended.payload).reason == "changed my mind")
        #expect(!events.contains { $0.type == "tool.started" })

        let again = try await harness.agentctl(["cancel", run])
        #expect(again.status == 4)
        #expect(again.stderr.contains { $0.contains("already cancelled") })

        // A run that completed cannot be cancelled either.
        let completed = try await harness.agentctl(["start", "--model", "emu-tools-1", "quick one"])
        #expect(completed.status == 0, "stderr: \(completed.stderr)")
        let completedRun = try #require(completed.stderr.first { $0.hasPrefix("run run_") }?.split(separator: " ")[1])
        let refused = try await harness.agentctl(["cancel", String(completedRun), "--after-tool"])
        #expect(refused.status == 4)
        #expect(refused.stderr.contains { $0.contains("already completed") })
    }

    @Test func inputWhileWaitingForApprovalGoesIntoTheNextRequestAfterTheToolOutput() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let run = try await harness.startDetached([
            "--require-approval", "shell", "--model", "emu-tools-1", "one step, then listen",
        ])
        let follower = try harness.follow(run)
        let call = try await follower.nextApprovalRequest(excluding: [])

        let added = try await harness.agentctl(["input", run, "--id", "steer-1", "--json", "also", "say", "hi"])
        #expect(added.status == 0, "stderr: \(added.stderr)")
        let repeated = try await harness.agentctl(["input", run, "--id", "steer-1", "--json", "also", "say", "hi"])
        let results = try [added, repeated].map { try JSONCoding.decode(JSONValue.self, from: $0.stdout.joined()) }
        #expect(results.map { $0["applied"] } == [.bool(true), .bool(false)])

        let approved = try await harness.agentctl(["approve", run, call])
        #expect(approved.status == 0, "stderr: \(approved.stderr)")
        #expect(try await follower.waitForExit(timeout: .seconds(60)) == 0)

        // The request after the approval carries the tool's output first, then the user's words.
        let recording = try await harness.emulatorRecording()
        #expect(recording.violations.isEmpty)
        let creates = try recording.connections.flatMap(\.inbound)
            .map { try JSONCoding.decode(JSONValue.self, from: $0) }
            .filter { $0["type"] == "response.create" }
        let next = try #require(
            creates.first { create in
                Items.normalize(create["input"]).contains { $0["call_id"]?.stringValue == call }
            })
        let input = Items.normalize(next["input"])
        #expect(input.map { $0["type"]?.stringValue } == ["function_call_output", "message"])
        #expect(input.last == Items.userMessage("also say hi"))
        #expect(try await harness.ledger(run).filter { $0.type == "input.added" }.count == 1)
    }
}

extension DaemonHarness {
    /// Starts a run with `agentctl start --detach --json` and returns its id.
    func startDetached(_ arguments: [String]) async throws -> String {
        let started = try await agentctl(["start", "--detach", "--json"] + arguments)
        guard started.status == 0,
            let id = try JSONCoding.decode(JSONValue.self, from: started.stdout.joined())["id"]?.stringValue
        else { throw HarnessError("agentctl start failed (\(started.status)): \(started.stderr)") }
        return id
    }

    /// `agentctl attach RUN --json` running in the background: one ledger event per stdout line until the run ends.
    func follow(_ run: String) throws -> ChildProcess {
        try ChildProcess(
            "agentctl", ["attach", run, "--json"], environment: ["AGENTD_SOCKET": socket], cwd: workDirectory)
    }

    /// The run's ledger events, from `agentctl log`.
    func ledger(_ run: String) async throws -> [LedgerEvent] {
        let log = try await agentctl(["log", "--json", run])
        guard log.status == 0 else { throw HarnessError("agentctl log failed: \(log.stderr)") }
        return try log.stdout.map { try JSONCoding.decode(LedgerEvent.self, from: $0) }
    }
}

extension ChildProcess {
    /// Waits for an `approval.requested` event line (from `attach --json`) of a call not in `excluding`.
    ///
    /// - Returns: the call id.
    func nextApprovalRequest(excluding: Set<String>, timeout: Duration = .seconds(60)) async throws -> String {
        let line = try await waitForLine(timeout: timeout) { line in
            guard let callID = Self.approvalRequestCallID(line) else { return false }
            return !excluding.contains(callID)
        }
        return try #require(Self.approvalRequestCallID(line))
    }

    private static func approvalRequestCallID(_ line: String) -> String? {
        guard let event = try? JSONCoding.decode(LedgerEvent.self, from: line),
            event.type == ControlEventType.approvalRequested,
            let request = try? JSONCoding.decode(ApprovalRequested.self, from: event.payload)
        else { return nil }
        return request.callID
    }
}
