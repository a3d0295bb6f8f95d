import AgentModel
import Foundation
import Testing

/// agentd whose ledger files become immutable (`chattr +i`: every write fails with EPERM, even for root) while a
/// tool call runs: the run pauses with a reason naming the cause and the path, the daemon keeps answering (it does
/// not exit as on an I/O error), and once the files are writable again `agentctl resume` finishes the run with
/// every step's line exactly once and a sound ledger.
///
/// Why not a read-only remount: Linux refuses `mount -o remount,ro` (EBUSY) while a file on the mount is open for
/// writing, which the ledger always is; an immutable file refuses writes through descriptors already open.
@Suite(.serialized, .enabled(if: Chattr.works, "chattr +i is not supported here (needs root and ext4)"))
struct NotWritableLedgerEndToEndTests {
    @Test func unwritableLedgerPausesTheRunAndResumeFinishesItOnceWritable() async throws {
        let harness = try await DaemonHarness()
        let ledger = harness.stateDirectory + "/agentd.sqlite"
        let files = [ledger, ledger + "-wal"]
        do {
            try await pauseAndResume(harness, files)
        } catch {
            Issue.record(error)
        }
        Chattr.run(["-i"] + files)
        await harness.stop()
        try? FileManager.default.removeItem(atPath: harness.directory)
    }

    private func pauseAndResume(_ harness: DaemonHarness, _ files: [String]) async throws {
        // The first call's `tee -a journal.log` blocks on a FIFO until the ledger is immutable: its result cannot
        // commit.
        let journalPath = harness.workDirectory + "/journal.log"
        #expect(mkfifo(journalPath, 0o644) == 0)
        let watcher = try ChildProcess(
            "agentctl", ["start", "--json", "--no-prompt", "--model", "emu-journal-30", "journal"],
            environment: ["AGENTD_SOCKET": harness.socket], cwd: harness.workDirectory)
        let first = try await watcher.waitForLine { $0.contains(#""type":"tool.started""#) }
        let id = try JSONCoding.decode(LedgerEvent.self, from: first).runID.rawValue
        #expect(Chattr.run(["+i"] + files) == 0)
        let firstLine = await Self.readFIFO(journalPath)
        try FileManager.default.removeItem(atPath: journalPath)
        try firstLine.write(toFile: journalPath, atomically: false, encoding: .utf8)
        // The pause is in memory only (the ledger cannot be written): agentd logs it.
        _ = try await harness.daemon.waitForLine { $0.contains("run paused: the ledger is full or not writable") }
        watcher.signal(SIGTERM)
        _ = try? await watcher.waitForExit()

        let shown = try await harness.agentctl(["show", "--json", id])
        let paused = try #require(
            try JSONSerialization.jsonObject(with: Data(shown.stdout.joined().utf8)) as? [String: Any])
        let pausedStatus = paused["status"] as? String
        let pausedReason = (paused["endReason"] ?? paused["end_reason"]) as? String
        let status = try await harness.agentctl(["status"])
        let daemonRunning = harness.daemon.process.isRunning

        #expect(Chattr.run(["-i"] + files) == 0)
        let resumed = try await harness.agentctl(["resume", "--detach", id])
        // A call whose result could not be committed is uncertain: decided from the journal, as a person would.
        let ending = try await harness.decideUncertainCallsFromJournal(id, limit: 3)
        let lines = harness.journal().split(separator: "\n").map(String.init)
        let integrity = try harness.ledgerIntegrity()

        #expect(pausedStatus == "interrupted")
        #expect(pausedReason?.contains("permission denied") == true, "\(paused)")
        #expect(pausedReason?.contains(files[0]) == true, "\(paused)")
        #expect(pausedReason?.contains("make it writable") == true, "\(paused)")
        #expect(status.status == 0)
        #expect(daemonRunning)
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
