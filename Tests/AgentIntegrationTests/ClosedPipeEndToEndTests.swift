import Foundation
import Testing

/// `agentctl … | head -1`: a reader that closed the pipe ends agentctl quietly with exit 0 (as `git log` does), for
/// every command that writes a lot to stdout. The pipe's reading end is closed before agentctl starts, so every
/// write fails with EPIPE.
@Suite(.serialized)
struct ClosedPipeEndToEndTests {
    @Test func everyWritingCommandEndsQuietlyWhenTheReaderIsGone() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let run = try await harness.startDetached(["--model", "emu-tools-2", "two steps"])
        #expect(try await harness.agentctl(["attach", run, "--json"]).status == 0)

        let commands: [[String]] = [
            ["log", run], ["log", "--json", run], ["export", run], ["list", "--json"], ["list"], ["show", run],
            ["start", "--json", "--model", "emu-tools-1", "one step"],
        ]
        for arguments in commands {
            let child = try ChildProcess(
                "agentctl", arguments, environment: ["AGENTD_SOCKET": harness.socket], cwd: harness.workDirectory,
                readerGone: true)
            let status = try await child.waitForExit(timeout: .seconds(60))
            #expect(child.process.terminationReason == .exit, "agentctl \(arguments) died of a signal")
            #expect(status == 0, "agentctl \(arguments): exit \(status); stderr: \(child.stderr.prefix(5))")
            #expect(!child.stderr.contains { $0.contains("Fatal error") || $0.contains("Broken pipe") })
        }
    }
}
