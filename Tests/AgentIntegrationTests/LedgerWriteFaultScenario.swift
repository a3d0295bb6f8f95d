import AgentModel
import Foundation
import Testing

/// A fault that keeps agentd from writing its ledger, struck while a thirty-call `emu-journal-30` run waits in its
/// first tool call, then repaired: the scenario of FullDiskEndToEndTests and NotWritableLedgerEndToEndTests.
///
/// The first call's `tee -a journal.log` blocks on a FIFO until the fault is in place, so its result cannot commit
/// and the run pauses (in memory only: agentd logs it). Once repaired, `agentctl resume` continues the run and the
/// uncertain call is decided from the journal, as a person would.
struct LedgerWriteFaultScenario: Sendable {
    /// Makes the ledger unwritable.
    let strike: @Sendable () throws -> Void
    /// Makes it writable again.
    let repair: @Sendable () throws -> Void

    /// What the run, agentd and the ledger showed.
    struct Outcome {
        /// `status` and the end reason of the run as `agentctl show --json` printed them while it was paused.
        var pausedStatus: String?
        var pausedReason: String?
        /// `agentctl status` exit status while the run was paused, and whether agentd was still running.
        var statusWhilePaused: Int32
        var daemonRunningWhilePaused: Bool
        var resumeStatus: Int32
        /// The type of the event that ended the resumed run.
        var ending: String
        var journalLines: [String]
        var integrity: String

        /// What every fault must come to: the run paused while agentd kept answering, then the resumed run
        /// completed with each step's line in the journal exactly once and a sound ledger.
        func expectPausedThenFinished(sourceLocation: SourceLocation = #_sourceLocation) {
            let expectedLines = (0..<30).map { "step-\($0) \($0 * 7 + 3)" }
            #expect(pausedStatus == "interrupted", sourceLocation: sourceLocation)
            #expect(statusWhilePaused == 0, sourceLocation: sourceLocation)
            #expect(daemonRunningWhilePaused, sourceLocation: sourceLocation)
            #expect(resumeStatus == 0, sourceLocation: sourceLocation)
            #expect(ending == RunEventType.completed, sourceLocation: sourceLocation)
            #expect(journalLines == expectedLines, sourceLocation: sourceLocation)
            #expect(integrity == "ok", sourceLocation: sourceLocation)
        }
    }

    /// Runs the scenario on `harness`, then repairs the fault and stops the harness (on failure too).
    func run(on harness: DaemonHarness) async throws -> Outcome {
        do {
            let outcome = try await pauseAndResume(harness)
            await harness.stop()
            return outcome
        } catch {
            try? repair()
            await harness.stop()
            throw error
        }
    }

    private func pauseAndResume(_ harness: DaemonHarness) async throws -> Outcome {
        let journalPath = harness.workDirectory + "/journal.log"
        guard mkfifo(journalPath, 0o644) == 0 else { throw HarnessError("mkfifo \(journalPath): errno \(errno)") }
        let watcher = try ChildProcess(
            "agentctl", ["start", "--json", "--no-prompt", "--model", "emu-journal-30", "journal"],
            environment: ["AGENTD_SOCKET": harness.socket], cwd: harness.workDirectory)
        let first = try await watcher.waitForLine { $0.contains(#""type":"tool.started""#) }
        let id = try JSONCoding.decode(LedgerEvent.self, from: first).runID.rawValue
        try strike()
        let firstLine = await Self.readFIFO(journalPath)
        try FileManager.default.removeItem(atPath: journalPath)
        try firstLine.write(toFile: journalPath, atomically: false, encoding: .utf8)
        _ = try await harness.daemon.waitForLine { $0.contains("run paused: the ledger is full or not writable") }
        watcher.signal(SIGTERM)
        _ = try? await watcher.waitForExit()

        let shown = try await harness.agentctl(["show", "--json", id])
        let paused = try JSONSerialization.jsonObject(with: Data(shown.stdout.joined().utf8)) as? [String: Any]
        let status = try await harness.agentctl(["status"])
        let daemonRunning = harness.daemon.process.isRunning

        try repair()
        let resumed = try await harness.agentctl(["resume", "--detach", id])
        let ending = try await harness.decideUncertainCallsFromJournal(id, limit: 3).ending
        return Outcome(
            pausedStatus: paused?["status"] as? String,
            pausedReason: (paused?["endReason"] ?? paused?["end_reason"]) as? String,
            statusWhilePaused: status.status, daemonRunningWhilePaused: daemonRunning, resumeStatus: resumed.status,
            ending: ending, journalLines: harness.journal().split(separator: "\n").map(String.init),
            integrity: try harness.ledgerIntegrity())
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
