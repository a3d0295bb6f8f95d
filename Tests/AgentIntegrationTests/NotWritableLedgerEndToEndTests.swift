import AgentModel
import Foundation
import TestSupport
import Testing

/// agentd whose ledger files become immutable (`chattr +i`: every write fails with EPERM, even for root) while a
/// tool call runs: the run pauses with a reason naming the cause and the path, the daemon keeps answering (it does
/// not exit as on an I/O error), and once the files are writable again `agentctl resume` finishes the run with
/// every step's line exactly once and a sound ledger.
///
/// Why not a read-only remount: Linux refuses `mount -o remount,ro` (EBUSY) while a file on the mount is open for
/// writing, which the ledger always is; an immutable file refuses writes through descriptors already open.
@Suite(.serialized, .enabled(if: ImmutableFiles.areSupported, "chattr +i is not supported here (needs root and ext4)"))
struct NotWritableLedgerEndToEndTests {
    @Test func unwritableLedgerPausesTheRunAndResumeFinishesItOnceWritable() async throws {
        let harness = try await DaemonHarness()
        let ledger = harness.stateDirectory + "/agentd.sqlite"
        let files = ImmutableFiles([ledger, ledger + "-wal"])
        let scenario = LedgerWriteFaultScenario(strike: { try files.makeImmutable() }, repair: { try files.makeWritable() })
        let outcome = try await scenario.run(on: harness)

        let reason = outcome.pausedReason ?? "(none)"
        outcome.expectPausedThenFinished()
        #expect(reason.contains("permission denied"), "\(reason)")
        #expect(reason.contains(ledger), "\(reason)")
        #expect(reason.contains("make it writable"), "\(reason)")
    }
}
