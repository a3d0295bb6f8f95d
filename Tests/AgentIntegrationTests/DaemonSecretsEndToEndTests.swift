import Foundation
import Testing

/// The upstream key leaves no trace a tool (or another process of the daemon's user) can read: the environment block
/// that /proc/<agentd>/environ shows is wiped, and the daemon is non-dumpable (issue 14 item 3).
@Suite(.serialized)
struct DaemonSecretsEndToEndTests {
    @Test func theEnvironmentBlockNoLongerHoldsTheKey() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        // The test runs as root (or the daemon's user), which may read the block: it must be wiped, not hidden.
        let pid = harness.daemon.process.processIdentifier
        let block = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
        #expect(!block.isEmpty)
        #expect(block.range(of: Data(DaemonHarness.apiKey.utf8)) == nil)
        #expect(block.range(of: Data("OPENAI_API_KEY=".utf8)) == nil)
        // The key was read before it was wiped: a run against the upstream still works.
        let run = try await harness.agentctl(["start", "--json", "--model", "emu-text", "hello"])
        #expect(run.status == 0, "start: \(run.stderr); daemon: \(harness.daemon.stderr.suffix(5))")
    }

    @Test(.enabled(if: NobodySwitch.available, "needs root and setpriv to run the daemon and a reader as nobody"))
    func anotherProcessOfTheDaemonsUserCannotReadItsMemoryOrEnvironment() async throws {
        let directory = "/tmp/agentd-nd-" + String(UInt32.random(in: .min ... .max), radix: 36)
        // chmod: mkdir applies the umask, which an in-process control server test may hold at 0177 for a moment.
        #expect(mkdir(directory, 0o700) == 0 && chmod(directory, 0o700) == 0 && chown(directory, 65534, 65534) == 0)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let emulator = try ChildProcess("responses-emulator", ["--port", "0"])
        let url = try await emulator.waitForLine { $0.hasPrefix("http://") }
        let agentd = ChildProcess.binDirectory.appendingPathComponent("agentd").path
        let daemon = try ChildProcess(
            NobodySwitch.setpriv,
            ["--reuid=65534", "--regid=65534", "--clear-groups", agentd, "--socket", directory + "/s.sock",
             "--state-dir", directory + "/state"],
            environment: ["OPENAI_BASE_URL": url, "OPENAI_API_KEY": DaemonHarness.apiKey, "HOME": directory])
        _ = try await daemon.waitForLine { $0.contains("agentd ready") }
        let pid = daemon.process.processIdentifier

        // The same uid as the daemon, as a tool would be: the kernel refuses both files of a non-dumpable process.
        let script = """
            import sys
            for name in ("mem", "environ"):
                try:
                    with open(f"/proc/{sys.argv[1]}/{name}", "rb") as f:
                        data = f.read(4096) if name == "environ" else f.read(1)
                    print(name, "readable", sys.argv[2].encode() in data)
                except OSError as e:
                    print(name, "refused", e.errno)
            """
        let reader = try ChildProcess(
            NobodySwitch.setpriv,
            ["--reuid=65534", "--regid=65534", "--clear-groups", NobodySwitch.python, "-c", script, "\(pid)",
             DaemonHarness.apiKey])
        #expect(try await reader.waitForExit(timeout: .seconds(30)) == 0)
        #expect(reader.stdout == ["mem refused \(EACCES)", "environ refused \(EACCES)"], "\(reader.stderr)")

        // Root may read the block: it holds no key.
        let block = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
        #expect(block.range(of: Data(DaemonHarness.apiKey.utf8)) == nil)

        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit(timeout: .seconds(15)) == 0)
        emulator.signal(SIGTERM)
        _ = try await emulator.waitForExit()
    }
}

/// Whether this test process can start children as uid 65534 (`nobody`).
private enum NobodySwitch {
    static let setpriv = "/usr/bin/setpriv"
    static let python = "/usr/bin/python3"
    static var available: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: setpriv)
            && FileManager.default.isExecutableFile(atPath: python)
    }
}
