import AgentModel
import Foundation
import TestSupport
import Testing

@testable import AgentLedger

/// A real full file system: a small tmpfs mounted by the test (needs root; skipped otherwise).
@Suite(.enabled(if: Tmpfs.canMount, "mounting a tmpfs is not permitted here (needs root)"))
struct LedgerFullDiskTests {
    @Test func fullDiskFailsTheAppendKeepsEverythingCommittedAndWritesResumeAfterSpaceIsFreed() async throws {
        let tmpfs = try Tmpfs(megabytes: 4)
        defer { tmpfs.unmount() }
        let path = tmpfs.path + "/ledger.sqlite"
        let run = Fixture.run(1)
        let ledger = try Ledger(path: path)
        let committed = Fixture.deltas(run, 0..<50)
        try await ledger.append(committed)
        try tmpfs.fill()

        // Large events need new WAL pages, which the full file system refuses.
        let big = (50..<60).map { Fixture.delta(run, Int64($0), String(repeating: "x", count: 64 << 10)) }
        let refused = await #expect(throws: LedgerFailure.self) { try await ledger.append(big) }
        let readBackWhileFull = try await ledger.allEvents(of: run)

        try tmpfs.free()
        try await ledger.append(big)
        let afterFreeing = try await ledger.allEvents(of: run)
        let failure = ledger.failure
        let (afterReopen, integrity) = try await ledger.closeAndReopen(path, reading: run)

        #expect(refused?.code == .diskFull)
        #expect(failure == nil)
        #expect(readBackWhileFull == committed)
        #expect(afterFreeing == committed + big)
        #expect(afterReopen == committed + big)
        #expect(integrity == "ok")
    }
}

/// A streamed batch that fails must not be followed by a later batch of the same run that commits (issue 14: a
/// 20k-delta run on a full tmpfs left rows 0–3242, 4637–4652, 20002–…).
struct LedgerSequenceGapTests {
    @Test func eventsQueuedAfterAFailedBatchOfTheirRunAreNotCommittedSoNoSeqIsSkipped() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = try Ledger(path: directory.path + "/ledger.sqlite")
        let run = Fixture.run(1)
        try await ledger.append(Fixture.deltas(run, 0..<2))

        // The disk is full for one transaction: the streamed batch 2..<5 fails.
        ledger.injectFaultForTesting(resultCode: 13)  // SQLITE_FULL
        ledger.enqueue(Fixture.deltas(run, 2..<5))
        // An empty append waits for the queue to that point (it fails too if it shared the batch's transaction).
        _ = try? await ledger.append([])

        // Space is back: the run's next streamed batch would commit seq 5..<7 after the hole 2..<5.
        ledger.enqueue(Fixture.deltas(run, 5..<7))
        try await ledger.append([])
        let failure = await #expect(throws: LedgerFailure.self) { try await ledger.append(Fixture.deltas(run, 7..<8)) }
        #expect(failure?.code == .diskFull)
        #expect(try await ledger.allEvents(of: run).map(\.seq) == [0, 1])

        // The run rebuilds from what was committed and goes on from seq 2.
        await ledger.forgetDeferredFailures(of: run)
        try await ledger.append(Fixture.deltas(run, 2..<4))
        #expect(try await ledger.allEvents(of: run).map(\.seq) == [0, 1, 2, 3])
    }
}
