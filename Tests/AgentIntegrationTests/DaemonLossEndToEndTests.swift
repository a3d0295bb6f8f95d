import Foundation
import Testing

/// A foreground `agentctl start` when agentd goes away: it says what became of the run and how to follow it, with
/// the documented exit code (3 daemon lost, 2 interrupted), in one message.
@Suite(.serialized)
struct DaemonLossEndToEndTests {
    /// `agentctl start` in the foreground, returned once the run waits for approval (so it is mid-run).
    private func startWaitingRun(_ harness: DaemonHarness) async throws -> (run: String, start: ChildProcess, shown: Int) {
        let start = try ChildProcess(
            "agentctl", ["start", "--require-approval", "shell", "--no-prompt", "--model", "emu-tools-1", "one step"],
            environment: ["AGENTD_SOCKET": harness.socket], cwd: harness.workDirectory)
        let started = try await start.waitForLine { $0.hasPrefix("run run_") && $0.contains(" started") }
        let run = String(started.split(separator: " ")[1])
        _ = try await start.waitForLine { $0.hasPrefix("[approval]") }
        return (run, start, start.stderr.count)
    }

    @Test func sigkillOfTheDaemonExitsThreeAndSaysHowToFollowTheRun() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let (run, start, shown) = try await startWaitingRun(harness)

        harness.daemon.signal(SIGKILL)

        #expect(try await start.waitForExit(timeout: .seconds(30)) == 3)
        let said = Array(start.stderr.dropFirst(shown))
        #expect(said.count == 1, "\(said)")
        #expect(said.first?.contains("lost the connection to agentd") == true)
        #expect(said.first?.hasSuffix("agentctl attach \(run)") == true, "\(said)")
    }

    @Test func sigtermOfTheDaemonExitsTwoWithOneMessage() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let (run, start, shown) = try await startWaitingRun(harness)

        harness.daemon.signal(SIGTERM)

        #expect(try await start.waitForExit(timeout: .seconds(30)) == 2)
        let said = Array(start.stderr.dropFirst(shown))
        #expect(said.count == 1, "\(said)")
        // The run's own `run.interrupted` or agentd's `daemon_shutdown`, whichever the feed brought first.
        #expect(said.first?.contains("interrupted") == true, "\(said)")
        #expect(said.first?.hasSuffix("resume it with: agentctl resume \(run)") == true, "\(said)")
        #expect(!said.joined().contains("agentctl: run \(run)"), "the outcome is said once")
    }
}
