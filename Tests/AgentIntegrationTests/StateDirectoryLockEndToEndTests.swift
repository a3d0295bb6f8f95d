import Foundation
import Testing

/// One daemon per state directory: a second agentd on another socket but the same ledger refuses to start and
/// leaves the first daemon's live run alone.
@Suite(.serialized)
struct StateDirectoryLockEndToEndTests {
    @Test func secondDaemonOnTheSameStateDirectoryRefusesAndLeavesTheLiveRunAlone() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let (id, watcher) = try await harness.startRunInFlight()

        let otherSocket = harness.directory + "/other.sock"
        let second = try ChildProcess(
            "agentd", ["--socket", otherSocket, "--state-dir", harness.stateDirectory],
            environment: ["OPENAI_BASE_URL": harness.emulatorURL, "OPENAI_API_KEY": DaemonHarness.apiKey])
        let status = try await second.waitForExit(timeout: .seconds(30))
        #expect(status != 0)
        let pid = harness.daemon.process.processIdentifier
        #expect(
            second.stderr.contains {
                $0.contains("another agentd (pid \(pid), socket \(harness.socket))")
                    && $0.contains(harness.stateDirectory)
            }, "second daemon: \(second.stderr)")
        #expect(!second.stderr.contains { $0.contains("agentd ready") || $0.contains("recover") })
        #expect(!FileManager.default.fileExists(atPath: otherSocket))

        // The first daemon's run goes on to the end, with every output and nothing appended by the second.
        _ = try await watcher.waitForExit(timeout: .seconds(60))
        let (completed, shown) = try await harness.runInFlightCompleted(id)
        #expect(completed, "show: \(shown); daemon: \(harness.daemon.stderr.suffix(8))")
        let log = try await harness.agentctl(["log", "--json", id])
        #expect(!log.stdout.contains { $0.contains("run.chain_reset") || $0.contains("tool.abandoned") || $0.contains("run.interrupted") })
        #expect(!harness.daemon.stderr.contains { $0.contains("UNIQUE constraint") })
    }

    @Test func aKilledDaemonsLockDoesNotBlockTheRestart() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        // SIGKILL leaves the lock file behind; the kernel released the lock with the process.
        try await harness.crashAndRestartDaemon()
        #expect(FileManager.default.fileExists(atPath: harness.stateDirectory + "/agentd.lock"))
        let status = try await harness.agentctl(["status", "--json"])
        #expect(status.status == 0, "status: \(status.stderr)")
    }
}
