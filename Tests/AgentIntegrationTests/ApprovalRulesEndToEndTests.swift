import AgentModel
import Foundation
import Testing

/// allow_always / reject_always against a real agentd: `[run] require_approval` gates shell daemon-wide,
/// `agentctl approve --always` on the first call makes a rule in the ledger, and agentd decides the run's later
/// shell calls by it without asking; `agentctl show` lists the rule.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ApprovalRulesEndToEndTests {
    static let script = [
        #"call shell {"cmd":"touch first.marker"}"#,
        #"call shell {"cmd":"touch second.marker"}"#,
        #"call shell {"cmd":"touch third.marker"}"#,
        "say rules done",
    ].joined(separator: "\n")

    @Test(arguments: [true, false]) func anAlwaysDecisionDecidesTheToolsLaterCalls(allow: Bool) async throws {
        let harness = try await DaemonHarness(daemonConfig: "[run]\nrequire_approval = [\"shell\"]\n")
        defer { Task { await harness.stop() } }
        let run = try await harness.startDetached(["--model", "emu-script", Self.script])
        let follower = try harness.follow(run)
        let first = try await follower.nextApprovalRequest(excluding: [])
        let decided = try await harness.agentctl(["approve", run, first, "--always"] + (allow ? [] : ["--deny"]))
        #expect(decided.status == 0, "\(decided.stderr)")
        #expect(try await follower.waitForExit(timeout: .seconds(60)) == 0)

        let markers = ["first", "second", "third"].map {
            FileManager.default.fileExists(atPath: harness.workDirectory + "/\($0).marker")
        }
        #expect(markers == [allow, allow, allow])
        let events = try await harness.ledger(run)
        #expect(events.filter { $0.type == ControlEventType.approvalRequested }.count == 1)
        let decisions = try events.filter { $0.type == ControlEventType.approvalResolved }.map {
            try ApprovalResolved(json: $0.payload)
        }
        #expect(decisions.map(\.approved) == [allow, allow, allow])
        #expect(decisions.map { $0.byRule ?? false } == [false, true, true])
        #expect(decisions.first?.remember == .always)
        #expect(decisions.dropFirst().allSatisfy { $0.client == "agentctl" && $0.reason?.contains(first) == true })
        #expect(events.last?.type == RunEventType.completed)

        let show = try await harness.agentctl(["show", run])
        let rule = "rule      always \(allow ? "allow" : "deny") shell (set in agentctl on \(first))"
        #expect(show.stdout.contains(rule), "\(show.stdout)")
        // A person deciding a call the rule decided finds it decided.
        let late = try await harness.agentctl(["approve", run, decisions[1].callID] + (allow ? ["--deny"] : []))
        #expect(late.status == 4)
    }
}
