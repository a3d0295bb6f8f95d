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
