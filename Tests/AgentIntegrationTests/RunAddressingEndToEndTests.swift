import Foundation
import Testing

/// Naming runs on the command line (issue 13 item 8): a unique prefix, `@last`, `-l`, global options first.
@Suite(.serialized)
struct RunAddressingEndToEndTests {
    @Test func prefixesLastAndGlobalOptionsNameTheRun() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let run = try await harness.startDetached(["--model", "emu-text", "hello"])
        #expect(try await harness.agentctl(["attach", run]).status == 0)

        let short = String(run.dropFirst("run_".count).prefix(12))
        for arguments in [["show", short], ["show", "run_" + short], ["show", "@last"], ["show", "-l"]] {
            let shown = try await harness.agentctl(arguments)
            #expect(shown.status == 0, "\(arguments): \(shown.stderr)")
            #expect(shown.stdout.first == "run       \(run)", "\(arguments)")
        }
        let missing = try await harness.agentctl(["show", "zzzzzzzz"])
        #expect(missing.status == 64)

        let listed = try await ChildProcess("agentctl", ["--socket", harness.socket, "list"], cwd: harness.workDirectory)
        #expect(try await listed.waitForExit() == 0, "\(listed.stderr)")
        #expect(listed.stdout.first?.hasPrefix("RUN") == true, "\(listed.stdout)")
        #expect(listed.stdout.dropFirst().first?.hasPrefix(run) == true, "\(listed.stdout)")
    }
}
