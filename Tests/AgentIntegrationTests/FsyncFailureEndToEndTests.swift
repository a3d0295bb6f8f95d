import AgentModel
import Foundation
import Testing

/// strace attached to a running agentd makes its N-th fdatasync fail with EIO during a thirty-call journal run:
/// agentd exits 75, every event a client received is in the ledger, and after a restart (without strace) the
/// ledger passes `integrity_check` (the restart ran the full `quick_check`) and the run is recovered and completes,
/// each step's line written once.
@Suite(.serialized, .enabled(if: StraceProbe.canTrace, "strace cannot trace here (no /usr/bin/strace or ptrace not permitted)"))
struct FsyncFailureEndToEndTests {
    @Test func failedFsyncStopsTheDaemonAndTheRunCompletesAfterRestart() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let pid = String(harness.daemon.process.processIdentifier)
        let strace = try ChildProcess(
            "/usr/bin/strace", ["-f", "-o", "/dev/null", "-e", "inject=fdatasync:error=EIO:when=20", "-p", pid])
        _ = try await strace.waitForLine { $0.contains("attached") }

        let watcher = try ChildProcess(
            "agentctl", ["start", "--json", "--no-prompt", "--model", "emu-journal-30", "journal"],
            environment: ["AGENTD_SOCKET": harness.socket], cwd: harness.workDirectory)
        let exitStatus = try await harness.daemon.waitForExit(timeout: .seconds(60))
        _ = try? await watcher.waitForExit()
        _ = try? await strace.waitForExit()
        let seen = watcher.stdout.compactMap { try? JSONCoding.decode(LedgerEvent.self, from: $0) }
        let id = try #require(seen.first?.runID.rawValue)

        try await harness.crashAndRestartDaemon()
        // The failed fsync removed the session marker: the restart verified the whole file.
        let openCheck = harness.ledgerOpenCheck() ?? "no \"ledger opened\" line"
        let ending = try await harness.decideUncertainCallsFromJournal(id, limit: 3).ending

        let log = try await harness.agentctl(["log", "--json", id])
        let ledger = log.stdout.compactMap { try? JSONCoding.decode(LedgerEvent.self, from: $0) }
        let missing = seen.filter { event in ledger.first { $0.seq == event.seq } != event }
        let lines = harness.journal().split(separator: "\n").map(String.init)
        let integrity = try harness.ledgerIntegrity()

        #expect(exitStatus == 75)
        #expect(openCheck.hasPrefix("quick_check_"), "restart logged integrity_check=\(openCheck)")
        #expect(!seen.isEmpty)
        #expect(missing.isEmpty)
        #expect(ending == RunEventType.completed)
        #expect(lines == (0..<30).map { "step-\($0) \($0 * 7 + 3)" })
        #expect(integrity == "ok")
    }
}
