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

    /// `tools.sandbox` defaults to `auto`: where bwrap works, `agentctl status` reports the sandbox as the
    /// containment; with `none` it reports the cgroup or best-effort containment instead.
    @Test(.enabled(if: bwrapInstalled, "skipped: /usr/bin/bwrap is not installed (apt-get install bubblewrap)"))
    func statusReportsTheContainmentInForce() async throws {
        var reported: [String] = []
        for config in [nil, "[tools]\nsandbox = \"none\"\n"] {
            let harness = try await DaemonHarness(daemonConfig: config)
            let status = try await harness.agentctl(["status", "--json"])
            await harness.stop()
            #expect(status.status == 0, "stderr: \(status.stderr)")
            let tools = try JSONValue.parse(status.stdout.joined(separator: "\n"))["tools"]
            reported.append(
                [tools?["containment"]?.stringValue, tools?["sandbox"]?.stringValue].map { $0 ?? "-" }.joined(separator: " "))
        }
        #expect(reported.first == "sandbox bwrap")
        #expect(reported.last == "cgroup none" || reported.last == "best-effort none")
    }
}
