import AgentModel
import Foundation
import Testing

/// `approval/resolve` on a call decided earlier answers `already_resolved` with who decided, also once the run
/// has ended and after agentd restarted (the answer then comes from the ledger alone).
@Suite(.serialized, .timeLimit(.minutes(2)))
struct ApprovalAfterEndEndToEndTests {
    @Test func aDecisionOnAnEndedRunIsAlreadyResolvedByWhoeverDecided() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let run = try await harness.startDetached([
            "--require-approval", "shell", "--model", "emu-tools-1", "one step, approved by an editor",
        ])
        let follower = try harness.follow(run)
        let call = try await follower.nextApprovalRequest(excluding: [])

        // An editor (its own client name) decides; the run then completes.
        let editor = try ControlSocket(path: harness.socket)
        let first = try await onThread {
            try editor.initialize(name: "editor-a")
            return try editor.call(
                "approval/resolve", ["run_id": .string(run), "call_id": .string(call), "approve": true])
        }
        #expect(first == ["outcome": "resolved", "approved": true])
        #expect(try await follower.waitForExit(timeout: .seconds(60)) == 0)

        // The editor is this process: its pid, and its terminal as `ps` names it (none under CI).
        let terminal = try Self.terminal(ofProcess: getpid())
        var decider: [String: JSONValue] = [
            "client": "editor-a", "uid": .number(Double(getuid())), "pid": .number(Double(getpid())),
        ]
        decider["tty"] = terminal.map(JSONValue.string)
        let expected: JSONValue = ["outcome": "already_resolved", "approved": true, "decided_by": .object(decider)]
        let late = try await harness.agentctl(["approve", run, call, "--deny", "--json"])
        #expect(late.status == 4)
        #expect(try JSONCoding.decode(JSONValue.self, from: late.stdout.joined()) == expected)
        let who = "uid \(getuid()), pid \(getpid())" + (terminal.map { " on \($0)" } ?? "")
        #expect(late.stderr == ["agentctl: call \(call) of run \(run) was already approved by editor-a (\(who))"])

        // A new agentd process knows it only from the ledger.
        try await harness.crashAndRestartDaemon()
        let afterRestart = try await harness.agentctl(["approve", run, call, "--json"])
        #expect(afterRestart.status == 4)
        #expect(try JSONCoding.decode(JSONValue.self, from: afterRestart.stdout.joined()) == expected)

        // A call the run never had keeps its error.
        let unknown = try await harness.agentctl(["approve", run, "call_never_made"])
        #expect(unknown.status == 4)
        #expect(unknown.stderr.contains { $0.contains("approval not found") && $0.contains("call_never_made") })

        // Still one decision in the ledger.
        let decisions = try await harness.ledger(run).filter { $0.type == ControlEventType.approvalResolved }
        #expect(decisions.count == 1)
    }

    /// The controlling terminal of `pid` as procps' `ps` names it (`pts/3`), `nil` for none: an implementation
    /// independent of agentd's.
    static func terminal(ofProcess pid: Int32) throws -> String? {
        let ps = Process()
        ps.executableURL = URL(fileURLWithPath: "/usr/bin/ps")
        ps.arguments = ["-o", "tty=", "-p", String(pid)]
        let output = Pipe()
        ps.standardOutput = output
        try ps.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        ps.waitUntilExit()
        let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return name == "?" || name.isEmpty ? nil : name
    }
}
