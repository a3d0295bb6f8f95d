import AgentModel
import Foundation
import Testing

/// `tools.sandbox = "bwrap"` end to end: the shell calls of a run happen inside bubblewrap.
@Suite(.serialized)
struct SandboxEndToEndTests {
    static let bwrapInstalled = FileManager.default.isExecutableFile(atPath: "/usr/bin/bwrap")

    @Test(.enabled(if: bwrapInstalled, "skipped: /usr/bin/bwrap is not installed (apt-get install bubblewrap)"))
    func aRunsShellCallsRunInTheSandbox() async throws {
        let harness = try await DaemonHarness(daemonConfig: "[tools]\nsandbox = \"bwrap\"\n")
        defer { Task { await harness.stop() } }
        let live = try await harness.agentctl(["start", "--model", "emu-tools-2", "two steps in the sandbox"])
        #expect(live.status == 0, "stderr: \(live.stderr) daemon: \(harness.daemon.stderr)")
        let expected = (0..<2).map { "step-\($0) \($0 * 7 + 3)\n" }
        let digest = try sha256sum(expected.map { $0 + "\n" }.joined())
        #expect(live.stdout.contains("digest=\(digest)"))
    }
}
