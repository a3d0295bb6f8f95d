import AgentModel
import Foundation
import Synchronization
import Testing

/// agentd with its state directory on a tiny tmpfs that the test fills while a tool run goes: the run pauses with
/// the reason, the daemon keeps answering, and after the filler is deleted `agentctl resume` finishes the run
/// with every step's line exactly once and a sound ledger.
@Suite(.serialized, .enabled(if: StateTmpfs.canMount, "mounting a tmpfs is not permitted here (needs root)"))
struct FullDiskEndToEndTests {
    @Test func fullStateDirectoryPausesTheRunAndResumeFinishesIt() async throws {
        let tmpfs = Mutex<StateTmpfs?>(nil)
        let harness = try await DaemonHarness { state in
            let mounted = try StateTmpfs(mountingAt: state, megabytes: 8)
            tmpfs.withLock { $0 = mounted }
        }
        let disk = try #require(tmpfs.withLock { $0 })
        do {
            try await pauseAndResume(harness, disk)
        } catch {
            Issue.record(error)
        }
        await harness.stop()
        disk.unmount()
        try? FileManager.default.removeItem(atPath: harness.directory)
    }

    private func pauseAndResume(_ harness: DaemonHarness, _ disk: StateTmpfs) async throws {
        // The first call's `tee -a journal.log` blocks on a FIFO until the disk is full: its result cannot commit.
        let journalPath = harness.workDirectory + "/journal.log"
        #expect(mkfifo(journalPath, 0o644) == 0)
        let watcher = try ChildProcess(
            "agentctl", ["start", "--json", "--no-prompt", "--model", "emu-journal-30", "journal"],
            environment: ["AGENTD_SOCKET": harness.socket], cwd: harness.workDirectory)
        let first = try await watcher.waitForLine { $0.contains(#""type":"tool.started""#) }
        let id = try JSONCoding.decode(LedgerEvent.self, from: first).runID.rawValue
        try disk.fill()
        let firstLine = await Self.readFIFO(journalPath)
        try FileManager.default.removeItem(atPath: journalPath)
        try firstLine.write(toFile: journalPath, atomically: false, encoding: .utf8)
        // The pause is in memory only (the disk is full): agentd logs it.
        _ = try await harness.daemon.waitForLine { $0.contains("run paused: the ledger is full") }
        watcher.signal(SIGTERM)
        _ = try? await watcher.waitForExit()

        let shown = try await harness.agentctl(["show", "--json", id])
        let paused = try #require(
            try JSONSerialization.jsonObject(with: Data(shown.stdout.joined().utf8)) as? [String: Any])
        let pausedStatus = paused["status"] as? String
        let pausedReason = (paused["endReason"] ?? paused["end_reason"]) as? String
        let status = try await harness.agentctl(["status"])

        try disk.free()
        let resumed = try await harness.agentctl(["resume", "--detach", id])
        // A call whose result could not be committed is uncertain: decided from the journal, as a person would.
        let ending = try await harness.decideUncertainCallsFromJournal(id, limit: 3)
        let lines = harness.journal().split(separator: "\n").map(String.init)
        let integrity = try harness.ledgerIntegrity()

        #expect(pausedStatus == "interrupted")
        #expect(pausedReason?.contains("disk full") == true, "\(paused)")
        #expect(status.status == 0)
        #expect(resumed.status == 0)
        #expect(ending == RunEventType.completed)
        #expect(lines == (0..<30).map { "step-\($0) \($0 * 7 + 3)" })
        #expect(integrity == "ok")
    }

    /// Reads the FIFO at `path` to its end on a dedicated thread (the open blocks until the writer comes).
    private static func readFIFO(_ path: String) async -> String {
        await withCheckedContinuation { continuation in
            Thread {
                let data = FileHandle(forReadingAtPath: path)?.readDataToEndOfFile() ?? Data()
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }.start()
        }
    }
}
