import AgentModel
import Foundation
import Synchronization
import TestSupport
import Testing

/// agentd with its state directory on a tiny tmpfs that the test fills while a tool run goes: the run pauses with
/// the reason, the daemon keeps answering, and after the filler is deleted `agentctl resume` finishes the run
/// with every step's line exactly once and a sound ledger.
@Suite(.serialized, .enabled(if: Tmpfs.canMount, "mounting a tmpfs is not permitted here (needs root)"))
struct FullDiskEndToEndTests {
    @Test func fullStateDirectoryPausesTheRunAndResumeFinishesIt() async throws {
        let tmpfs = Mutex<Tmpfs?>(nil)
        let harness = try await DaemonHarness { state in
            let mounted = try Tmpfs(mountingAt: state, megabytes: 8)
            tmpfs.withLock { $0 = mounted }
        }
        let disk = try #require(tmpfs.withLock { $0 })
        // The scenario stops the harness before it returns: the tmpfs is unmounted after agentd exited.
        defer {
            disk.unmount()
            try? FileManager.default.removeItem(atPath: harness.directory)
        }
        let scenario = LedgerWriteFaultScenario(strike: { try disk.fill() }, repair: { try disk.free() })
        let outcome = try await scenario.run(on: harness)

        let reason = outcome.pausedReason ?? "(none)"
        outcome.expectPausedThenFinished()
        #expect(reason.contains("disk full"), "\(reason)")
    }
}
