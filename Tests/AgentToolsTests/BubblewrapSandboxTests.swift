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

    @Test(.enabled("skipped: bubblewrap is not installed or cannot create namespaces here") { await usable() })
    func aSandboxedCallCannotSeeOrReadTheDaemon() async throws {
        let sandbox = try await BubblewrapSandbox.probe().get()
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // This test process stands for the daemon: the tool's parent, of the same user.
        let daemon = getpid()
        let probe = """
            cat /proc/\(daemon)/environ >/dev/null 2>&1 && echo environ-read || echo environ-refused
            kill -0 \(daemon) 2>/dev/null && echo pid-seen || echo pid-unseen
            echo "parent $PPID"
            """
        let shown = try await shell(probe, cwd: dir, sandbox: sandbox)
        #expect(shown.stdout == "environ-refused\npid-unseen\nparent 1\n")
    }

    static var canDropToNobody: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
    }

    /// The same check as an ordinary user, where the kernel's same-uid rule would let a tool read the daemon's
    /// `/proc/<pid>/environ`: a process of `nobody` holding a secret stands for the daemon, and the tool runs as
    /// `nobody` too, once directly (it reads the secret: the check is real) and once in the sandbox.
    @Test(
        .enabled("skipped: bubblewrap is not usable here") { await usable() },
        .enabled(if: canDropToNobody, "skipped: needs root and setpriv to drop to nobody"))
    func asAnOrdinaryUserTheSandboxHidesTheUsersOtherProcesses() async throws {
        let sandbox = try await BubblewrapSandbox.probe().get()
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(chmod(dir, 0o777) == 0)
        let fifo = dir + "/pid"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(chmod(fifo, 0o666) == 0)  // past the umask: nobody writes the pid into it
        let asNobody = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        let runner = ProcessRunner()

        var holder = request("", cwd: dir, timeout: .seconds(60))
        holder.argv = asNobody + ["/usr/bin/env", "AGENTD_TEST_SECRET=s3cret", "/bin/sh", "-c", "echo $$ > pid; exec sleep 60"]
        let standIn = Task { try await runner.run(holder) }
        defer { standIn.cancel() }
        let pid = try #require(await readLine(fromFIFO: fifo).flatMap { Int32($0) })

        let read = "tr '\\0' '\\n' < /proc/\(pid)/environ 2>/dev/null | grep AGENTD_TEST_SECRET || echo refused"
        var direct = request("", cwd: dir)
        direct.argv = asNobody + ["/bin/sh", "-c", read]
        var sandboxed = request("", cwd: dir)
        sandboxed.argv = asNobody + sandbox.argv(command: read, writable: [dir])
        let outputs = try await [runner.run(direct), runner.run(sandboxed)].map {
            String(decoding: $0.stdout.head, as: UTF8.self)
        }
        #expect(outputs == ["AGENTD_TEST_SECRET=s3cret\n", "refused\n"])
    }
}
