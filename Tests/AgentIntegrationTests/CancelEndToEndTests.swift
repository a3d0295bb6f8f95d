import AgentModel
import Foundation
import Testing

/// `agentctl cancel --now` against a real daemon whose tool is sleeping for a minute.
@Suite(.serialized)
struct CancelEndToEndTests {
    @Test func cancelNowKillsARunningSleepAndRecordsTheCancel() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        // emu-slow-1-60000: one shell call `sleep 60.0; echo …`.
        let started = try await harness.agentctl(["start", "--detach", "--json", "--model", "emu-slow-1-60000", "sleepy"])
        let id = try #require(try JSONDecoder().decode([String: String].self, from: Data(started.stdout.joined().utf8))["id"])
        let watcher = try ChildProcess("agentctl", ["attach", id, "--json"], environment: ["AGENTD_SOCKET": harness.socket])
        _ = try await watcher.waitForLine { $0.contains(#""type":"tool.started""#) }

        let cancelIssued = LedgerEvent.nowMillis()
        let cancelled = try await harness.agentctl(["cancel", id, "--now", "--reason", "too slow"])
        #expect(cancelled.status == 0, "cancel: \(cancelled.stderr)")
        _ = try await watcher.waitForExit(timeout: .seconds(60))
        let events = watcher.stdout.compactMap { try? JSONCoding.decode(LedgerEvent.self, from: $0) }
        let end = try #require(events.last)
        #expect(end.type == RunEventType.cancelled)
        #expect(end.payload.contains("too slow"))

        // The sleep was killed, not left to run out: the tool ended after the cancel was asked for, by a signal
        // (no exit code, not a timeout), before the `echo` that follows the sleep ran, and no such sleep is left.
        // How fast the kill is belongs to `agentd-bench cancel-latency`, not to a test that may run under load.
        let finished = try #require(events.first { $0.type == ToolEventType.finished })
        let outcome = try JSONCoding.decode(ToolFinished.self, from: finished.payload)
        #expect(finished.timestampMillis >= cancelIssued)
        #expect(outcome.exitCode == nil)
        #expect(!outcome.timedOut)
        #expect(!outcome.output.contains("step-0"))
        #expect(!Self.processRunning(commandContains: "sleep 60.0"))

        // Killed by the cancel, and every view says so: the ledger, `show --json`, `show`, the replayed tool line.
        #expect(outcome.cancelled == true)
        let signal = try #require(outcome.signal)
        let shownJSON = try await harness.agentctl(["show", id, "--json"])
        let shownRun = try JSONCoding.decode(JSONValue.self, from: shownJSON.stdout.joined())
        let call = shownRun["tool_calls"]?.arrayValue?.first
        #expect(call?["status"] == "finished")
        #expect(call?["cancelled"] == true)
        #expect(call?["signal"]?.stringValue == signal)
        let said = "-> cancelled, killed by \(signal) after \(Self.duration(outcome.durationMillis))"
        let shown = try await harness.agentctl(["show", id])
        #expect(
            shown.stdout.contains { $0.hasPrefix("  - shell: sleep 60.0") && $0.hasSuffix(said) }, "\(shown.stdout)")
        let replay = try await harness.agentctl(["attach", id])
        #expect(replay.stdout.contains { $0.hasPrefix("[tool] shell: sleep 60.0") && $0.hasSuffix(said) })
    }

    /// A duration as agentctl prints it.
    static func duration(_ millis: Double) -> String {
        millis < 1_000 ? String(format: "%.1f ms", millis) : String(format: "%.2f s", millis / 1_000)
    }

    /// Whether any process's command line contains `text` (scanning /proc).
    static func processRunning(commandContains text: String) -> Bool {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for pid in entries where Int(pid) != nil {
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
            let command = String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
            if command.contains(text) && !command.contains("swift") { return true }
        }
        return false
    }
}
