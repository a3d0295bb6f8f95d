import AgentModel
import Foundation
import Testing

/// `agentctl stats` after a real run, and what agentctl says when no daemon answers.
@Suite(.serialized)
struct StatsEndToEndTests {
    @Test func statsSummarizesTheRunsToolCallsAndEvents() async throws {
        let harness = try await DaemonHarness()
        do {
            let run = try await harness.agentctl(["start", "--model", "emu-tools-2", "two steps"])
            #expect(run.status == 0, "stderr: \(run.stderr)")
            let stats = try await harness.agentctl(["stats", "--json", "--interval", "0"])
            #expect(stats.status == 0, "stderr: \(stats.stderr)")
            let summary = try JSONCoding.decode(JSONValue.self, from: stats.stdout.joined())
            let rows = summary["latencies"]?.arrayValue ?? []
            let counts = Dictionary(
                rows.compactMap { row in row["name"]?.stringValue.map { ($0, row["count"]?.intValue ?? -1) } },
                uniquingKeysWith: { first, _ in first })
            #expect(counts["tool call (shell)"] == 2)
            // Three responses: two ask for a tool, the last answers.
            #expect(counts["agentd overhead per turn"] == 3)
            #expect(counts["time to first upstream event"] == 3)
            #expect((summary["events_committed"]?.intValue ?? 0) > 10)
            #expect((summary["ledger_bytes"]?.intValue ?? 0) >= 4096)
            let text = try await harness.agentctl(["stats", "--prometheus"])
            #expect(text.stdout.contains("# TYPE agentd_tool_call_duration_seconds histogram"))
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test func anUnreachableDaemonIsReportedWithTheCommandThatStartsIt() async throws {
        let socket = "/tmp/agentd-none-" + String(UInt32.random(in: .min ... .max), radix: 36) + "/agentd.sock"
        let child = try ChildProcess("agentctl", ["status", "--socket", socket])
        let status = try await child.waitForExit(timeout: .seconds(30))
        #expect(status == 3)
        #expect(child.stderr == [
            "agentctl: agentd is not running (no socket at \(socket))",
            "Start it on that socket with:  agentd --socket \(socket)",
        ])
    }
}
