import AgentModel
import Foundation
import Synchronization
import TestSupport
import Testing

/// Issue 14.8 end to end: a run streaming 20,000 text deltas (queued for the ledger without waiting) while the
/// tmpfs under agentd's state directory fills. The run pauses with the reason and agentd keeps answering; once
/// space is freed the resumed run completes, its `agentctl export` runs from seq 0 without a gap and replays
/// offline (`agentd --replay`) to the status agentd shows, and the ledger passes `integrity_check`.
@Suite(.serialized, .enabled(if: Tmpfs.canMount, "mounting a tmpfs is not permitted here (needs root)"))
struct FullDiskStreamEndToEndTests {
    @Test func aStreamCutByAFullDiskResumesAndItsExportReplays() async throws {
        let tmpfs = Mutex<Tmpfs?>(nil)
        let harness = try await DaemonHarness { state in
            // Room for the whole stream and its WAL once the filler is gone (8 MiB is not: the resumed stream
            // fills it again).
            let mounted = try Tmpfs(mountingAt: state, megabytes: 64)
            tmpfs.withLock { $0 = mounted }
        }
        let disk = try #require(tmpfs.withLock { $0 })
        // agentd is stopped before the tmpfs under it is unmounted.
        defer {
            disk.unmount()
            try? FileManager.default.removeItem(atPath: harness.directory)
        }
        let outcome: Outcome
        do {
            outcome = try await fillWhileStreaming(harness, disk)
        } catch {
            try? disk.free()
            await harness.stop()
            throw error
        }
        await harness.stop()

        #expect(outcome.pausedStatus == "interrupted")
        #expect(outcome.pausedReason.contains("disk full"), "\(outcome.pausedReason)")
        #expect(outcome.daemonAnsweredWhilePaused == 0)
        #expect(outcome.finalStatus == "completed")
        #expect(outcome.exportedSeqsWithoutGap)
        #expect(outcome.replayStatus == 0)
        #expect(outcome.replayedFinalStatus)
        #expect(outcome.integrity == "ok")
    }

    private struct Outcome {
        var pausedStatus: String?
        var pausedReason: String
        var daemonAnsweredWhilePaused: Int32
        var finalStatus: String?
        var exportedSeqsWithoutGap: Bool
        var replayStatus: Int32
        var replayedFinalStatus: Bool
        var integrity: String
    }

    private func fillWhileStreaming(_ harness: DaemonHarness, _ disk: Tmpfs) async throws -> Outcome {
        let started = try await harness.agentctl(
            ["start", "--detach", "--json", "--model", "emu-text-deltas-20000-4000", "talk"])
        let fields = try? JSONDecoder().decode([String: String].self, from: Data(started.stdout.joined().utf8))
        guard started.status == 0, let id = fields?["id"] else { throw HarnessError("start: \(started.stderr)") }
        let watcher = try ChildProcess(
            "agentctl", ["attach", id, "--json"], environment: ["AGENTD_SOCKET": harness.socket])
        _ = try await watcher.waitForLine { $0.contains(#""type":"response.output_text.delta""#) }
        try disk.fill()
        _ = try await harness.daemon.waitForLine { $0.contains("run paused: the ledger is full or not writable") }
        watcher.signal(SIGTERM)
        _ = try? await watcher.waitForExit(timeout: .seconds(10))
        let paused = try await show(harness, id)
        let status = try await harness.agentctl(["status"])
        try disk.free()

        let resumed = try await harness.agentctl(["resume", "--detach", id])
        guard resumed.status == 0 else { throw HarnessError("resume: \(resumed.stderr)") }
        // Polled rather than followed: an `attach` replaying 20,000 events on a loaded machine may be cut off as a
        // slow consumer (documented), which says nothing about the run.
        let final = try await endOf(harness, id, within: .seconds(180))

        let export = try await harness.agentctl(["export", id])
        let seqs = try export.stdout.map { try JSONCoding.decode(LedgerEvent.self, from: $0).seq }
        let path = harness.directory + "/export.jsonl"
        try (export.stdout.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let replay = try ChildProcess("agentd", ["--replay", path])
        let replayStatus = try await replay.waitForExit(timeout: .seconds(60))
        let replayed = try JSONSerialization.jsonObject(with: Data(replay.stdout.joined().utf8)) as? [String: Any]
        let finalStatus = final?["status"] as? String
        return Outcome(
            pausedStatus: paused?["status"] as? String,
            pausedReason: (paused?["end_reason"] as? String) ?? "(none)",
            daemonAnsweredWhilePaused: status.status,
            finalStatus: finalStatus,
            exportedSeqsWithoutGap: export.status == 0 && seqs == Array(0..<Int64(seqs.count)),
            replayStatus: replayStatus,
            replayedFinalStatus: finalStatus != nil && replayed?["status"] as? String == finalStatus,
            integrity: try harness.ledgerIntegrity())
    }

    /// `agentctl show --json` of run `id` once its status is no longer `running` (asked every 200 ms).
    private func endOf(_ harness: DaemonHarness, _ id: String, within limit: Duration) async throws -> [String: Any]? {
        let deadline = ContinuousClock.now + limit
        while true {
            let shown = try await show(harness, id)
            if shown?["status"] as? String != "running" { return shown }
            guard ContinuousClock.now < deadline else { throw HarnessError("run \(id) still running after \(limit)") }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    private func show(_ harness: DaemonHarness, _ id: String) async throws -> [String: Any]? {
        let shown = try await harness.agentctl(["show", "--json", id])
        return try JSONSerialization.jsonObject(with: Data(shown.stdout.joined().utf8)) as? [String: Any]
    }
}
