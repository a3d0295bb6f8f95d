import AgentModel
import Foundation
import Testing

/// agentd against a hostile upstream (the emulator's `emu-hostile-…` models): calls the run must not make, and
/// streams that never end, trickle or break the protocol (issue 14).
@Suite(.serialized, .timeLimit(.minutes(3)))
struct HostileUpstreamEndToEndTests {
    /// The run's ledger events, via `agentctl log`.
    func events(_ harness: DaemonHarness, _ id: String) async throws -> [LedgerEvent] {
        let log = try await harness.agentctl(["log", id])
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
}
