import AgentModel
import Foundation
import Glibc
import Testing

@testable import AgentTools

/// `tools.sandbox = "bwrap"`: read-only root, writable workspace, private /tmp, no network.
@Suite("BubblewrapSandbox")
struct BubblewrapSandboxTests {
    struct Shown: Equatable {
        var stdout: String
        var exit: Int32?
    }

    func shell(_ cmd: String, cwd: String, sandbox: BubblewrapSandbox) async throws -> Shown {
        var limits = fastLimits
        limits.sandbox = sandbox
        let context = ToolContext(
            callID: "c", cwd: cwd, environment: ["PATH": EnvironmentPolicy.defaultPath], limits: limits)
        let outcome = await ShellTool(limits: limits).run(
            arguments: try JSONCoding.encode(["cmd": cmd]), context: context)
        let stdout = try JSONValue.parse(outcome.output)["stdout"]?.stringValue ?? ""
        return Shown(stdout: stdout, exit: outcome.exitCode)
    }

    static func usable() async -> Bool {
        if case .success = await BubblewrapSandbox.probe() { return true }
        return false
    }

    @Test(.enabled("skipped: bubblewrap is not installed or cannot create namespaces here") { await usable() })
    func theSandboxConfinesWritesAndHasNoNetwork() async throws {
        let sandbox = try await BubblewrapSandbox.probe().get()
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outside = "/var/tmp/agentd-sandbox-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: outside) }

        let inside = try await shell("echo kept > in.txt && cat in.txt", cwd: dir, sandbox: sandbox)
        #expect(inside == Shown(stdout: "kept\n", exit: 0))
        let blocked = try await shell("echo x > \(outside) 2>/dev/null; echo $?", cwd: dir, sandbox: sandbox)
        #expect(blocked.stdout != "0\n")
        #expect(!FileManager.default.fileExists(atPath: outside))
        let marker = "agentd-private-\(getpid())"
        _ = try await shell("touch /tmp/\(marker)", cwd: dir, sandbox: sandbox)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/\(marker)"))
        let interfaces = try await shell("awk 'NR > 2 { print $1 }' /proc/net/dev", cwd: dir, sandbox: sandbox)
        #expect(interfaces.stdout == "lo:\n")
    }
}
