import AgentModel
import Foundation
import Testing

/// agentd against a hostile upstream (the emulator's `emu-hostile-…` models): calls the run must not make, and
/// streams that never end, trickle or break the protocol (issue 14).
@Suite(.serialized, .timeLimit(.minutes(3)))
struct HostileUpstreamEndToEndTests {
    /// The run's ledger events, via `agentctl log`.
    func events(_ harness: DaemonHarness, _ id: String) async throws -> [LedgerEvent] {
        let log = try await harness.agentctl(["log", "--json", id])
        return try log.stdout.map { try JSONCoding.decode(LedgerEvent.self, from: $0) }
    }

    func runID(_ result: CommandResult) throws -> String {
        let line = try #require(result.stderr.first { $0.hasPrefix("run run_") })
        return String(line.split(separator: " ")[1])
    }

    @Test func aModelCallingToolsTheRunWasNotGivenGetsErrorsAndNothingRuns() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        // The default tool list is `shell`; this run has only read_file. The model calls shell and write_file.
        let result = try await harness.agentctl(
            ["start", "--model", "emu-hostile-calls", "--no-tool", "shell", "--tool", "read_file", "go"],
            timeout: .seconds(60))
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let work = harness.workDirectory
        #expect(!FileManager.default.fileExists(atPath: work + "/hostile-shell.txt"))
        #expect(!FileManager.default.fileExists(atPath: work + "/hostile-write.txt"))

        let events = try await events(harness, try runID(result))
        #expect(events.filter { $0.type == ToolEventType.started }.isEmpty)
        let refused = try events.filter { $0.type == ToolEventType.refused }.map { try ToolRefused(json: $0.payload) }
        #expect(refused.map(\.name) == ["shell", "write_file"])
        #expect(refused.allSatisfy { $0.reason == .notOffered })
        #expect(events.last?.type == RunEventType.completed)
        // The model was told, in the outputs it got back.
        #expect(result.stdout.joined().contains("'shell' is not available in this run"))
        #expect(result.stderr.contains { $0.contains("[tool] shell call") && $0.contains("refused, not run") })
        #expect(try await harness.emulatorRecording().violations.isEmpty)
    }

    @Test func twoCallsSharingACallIDRunTheCommandOnceAndTheRunEnds() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let result = try await harness.agentctl(["start", "--model", "emu-hostile-dupcall", "go"], timeout: .seconds(60))
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let journal = try String(contentsOfFile: harness.workDirectory + "/dup.log", encoding: .utf8)
        #expect(journal == "ran\n")

        let events = try await events(harness, try runID(result))
        #expect(events.filter { $0.type == ToolEventType.started }.count == 1)
        #expect(events.filter { $0.type == ToolEventType.finished }.count == 1)
        let refused = try events.filter { $0.type == ToolEventType.refused }.map { try ToolRefused(json: $0.payload) }
        #expect(refused == [ToolRefused(callID: "call_dup", name: "shell", reason: .duplicateCallID, output: nil)])
        #expect(events.last?.type == RunEventType.completed)
        #expect(try await harness.emulatorRecording().violations.isEmpty)
    }

    /// Starts a run with `model` and returns what `agentctl start` printed once it ended.
    func run(_ harness: DaemonHarness, _ model: String) async throws -> (CommandResult, [LedgerEvent]) {
        let result = try await harness.agentctl(["start", "--model", model, "go"], timeout: .seconds(90))
        return (result, try await events(harness, try runID(result)))
    }

    func ended(_ events: [LedgerEvent]) throws -> RunEnded {
        let last = try #require(events.last)
        return try JSONCoding.decode(RunEnded.self, from: last.payload)
    }

    @Test func anEndlessStreamOfDeltasEndsTheRunAtTheByteLimitAndTheLedgerStopsGrowing() async throws {
        let harness = try await DaemonHarness(daemonConfig: "[run]\nmax_response_bytes = 200000\n")
        defer { Task { await harness.stop() } }
        // 1 KiB deltas at 2,000 a second, for ever.
        let (result, events) = try await run(harness, "emu-hostile-flood-1024-2000")
        #expect(result.status != 0)
        #expect(events.last?.type == RunEventType.failed)
        #expect(try ended(events).code == "response_too_large")
        let recorded = events.filter { $0.kind == .upstreamIn }.reduce(0) { $0 + $1.payload.utf8.count }
        #expect(recorded <= 200_000)
        #expect(result.stderr.contains { $0.contains("run.max_response_bytes") })

        // The connection that carried the abandoned response is replaced; the next run is served normally, and
        // the failed run's ledger did not grow meanwhile.
        let next = try await harness.agentctl(["start", "--model", "emu-text", "hello"], timeout: .seconds(30))
        #expect(next.status == 0, "stderr: \(next.stderr)")
        let later = try await self.events(harness, try runID(result))
        #expect(later.count == events.count)
    }

    @Test func aTrickleOfFramesEndsTheRunAtTheTimeLimit() async throws {
        let harness = try await DaemonHarness(daemonConfig: "[run]\nmax_response_ms = 1500\n")
        defer { Task { await harness.stop() } }
        // One frame every 100 ms: always inside the idle timeout, never done.
        let (result, events) = try await run(harness, "emu-hostile-trickle-100")
        #expect(result.status != 0)
        #expect(try ended(events).code == "response_too_long")
        #expect(result.stderr.contains { $0.contains("run.max_response_ms (1500 ms)") })
    }

    @Test func aCancelStopsRecordingTheStreamAtOnce() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let started = try await harness.agentctl(
            ["start", "--detach", "--json", "--model", "emu-hostile-flood-256-1000", "go"])
        let fields = try JSONDecoder().decode([String: String].self, from: Data(started.stdout.joined().utf8))
        let id = try #require(fields["id"])
        let watcher = try ChildProcess("agentctl", ["attach", id, "--json"], environment: ["AGENTD_SOCKET": harness.socket])
        _ = try await watcher.waitForLine { $0.contains(#""type":"response.output_text.delta""#) }
        // The default cancel: "after the running tool"; a streaming response has no tool to wait for.
        let cancel = try await harness.agentctl(["cancel", id], timeout: .seconds(20))
        #expect(cancel.status == 0, "stderr: \(cancel.stderr)")
        _ = try await watcher.waitForExit(timeout: .seconds(20))
        let events = try await events(harness, id)
        #expect(events.last?.type == RunEventType.cancelled)
        // Another run's whole life later, nothing more was recorded for the cancelled one.
        let next = try await harness.agentctl(["start", "--model", "emu-text", "hello"], timeout: .seconds(30))
        #expect(next.status == 0, "stderr: \(next.stderr)")
        #expect(try await self.events(harness, id).count == events.count)
    }

    @Test func aMalformedFrameFailsTheTurnAtOnceAndSaysWhat() async throws {
        // The idle-stream timeout stays at its default (300 s): only the fast path can end this run in time.
        let harness = try await DaemonHarness(daemonConfig: "[run]\nmax_turn_attempts = 2\n")
        defer { Task { await harness.stop() } }
        let (result, events) = try await run(harness, "emu-hostile-malformed")
        #expect(result.status != 0)
        let end = try ended(events)
        #expect(end.code == "protocol_violation")
        #expect(end.reason?.contains("not a JSON event") == true, "\(end)")
    }

    @Test func aFrameOverTheSizeLimitIsReportedAsSuch() async throws {
        let harness = try await DaemonHarness(
            daemonConfig: "[upstream]\nmax_frame_bytes = 65536\n[run]\nmax_turn_attempts = 2\n")
        defer { Task { await harness.stop() } }
        let (result, events) = try await run(harness, "emu-hostile-bigframe-100000")
        #expect(result.status != 0)
        let end = try ended(events)
        #expect(end.code == "protocol_violation")
        #expect(end.reason?.contains("larger than upstream.max_frame_bytes (65536 bytes)") == true, "\(end)")
    }
}
