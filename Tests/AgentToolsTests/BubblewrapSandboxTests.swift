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
    /// `nobody` too, once directly (it reads the secret and can signal the process: the check is real) and once in
    /// the sandbox. (bubblewrap's user namespace alone already refuses the read; the pid namespace hides the pid.)
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
        holder.argv = asNobody + ["/usr/bin/env", "AGENTD_TEST_SECRET=s3cret", "/bin/sh", "-c", "echo $$ > pid; while :; do sleep 1; done"]
        // The shell that wrote its pid stays that process (no exec, which would race the read of its environ).
        let standIn = Task { try await runner.run(holder) }
        defer { standIn.cancel() }
        let pid = try #require(await readLine(fromFIFO: fifo).flatMap { Int32($0) })

        let read = """
            tr '\\0' '\\n' < /proc/\(pid)/environ 2>/dev/null | grep AGENTD_TEST_SECRET || echo refused
            kill -0 \(pid) 2>/dev/null && echo pid-seen || echo pid-unseen
            """
        var direct = request("", cwd: dir)
        direct.argv = asNobody + ["/bin/sh", "-c", read]
        var sandboxed = request("", cwd: dir)
        sandboxed.argv = asNobody + sandbox.argv(command: read, writable: [dir])
        let outputs = try await [runner.run(direct), runner.run(sandboxed)].map {
            String(decoding: $0.stdout.head, as: UTF8.self)
        }
        #expect(outputs == ["AGENTD_TEST_SECRET=s3cret\npid-seen\n", "refused\npid-unseen\n"])
    }

    /// Host pids whose command line is exactly `argv`.
    static func processes(running argv: [String]) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        let wanted = Array(argv.joined(separator: "\0").utf8) + [0]
        return entries.compactMap(Int32.init).filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return Array(data) == wanted
        }
    }

    /// Without cgroups the marker sweep misses a process that left the session and dropped its marker; in the
    /// sandbox its pid namespace ends with the call, and the kernel kills it.
    @Test(.enabled("skipped: bubblewrap is not installed or cannot create namespaces here") { await usable() })
    func anEscapeWithoutTheMarkerDiesWithTheSandboxedCall() async throws {
        let sandbox = try await BubblewrapSandbox.probe().get()
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let duration = "2002.\(UInt32.random(in: 1...UInt32.max))"
        // The fifo makes the shell wait until the escapee runs (else the call could end before it starts).
        let command = "mkfifo ready; setsid env -u AGENTD_TOOL_CALL sh -c 'echo > ready; exec sleep \(duration)' & cat ready"
        var call = request("", cwd: dir)
        call.argv = sandbox.argv(command: command, writable: [dir])
        let result = try await ProcessRunner(containment: .markerSweep).run(call)
        let survivors = Self.processes(running: ["sleep", duration])
        defer { for pid in survivors { kill(pid, SIGKILL) } }
        #expect(result.termination == .exited(0))
        #expect(survivors == [])
    }

    /// The daemon's state and socket directories are shown empty: no ledger to read, no control socket to use.
    @Test(.enabled("skipped: bubblewrap is not installed or cannot create namespaces here") { await usable() })
    func hiddenDirectoriesAreEmptyInside() async throws {
        var sandbox = try await BubblewrapSandbox.probe().get()
        let dir = try makeTemporaryDirectory()
        let state = try makeTemporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: dir)
            try? FileManager.default.removeItem(atPath: state)
        }
        try "prompts\n".write(toFile: state + "/agentd.sqlite", atomically: true, encoding: .utf8)
        sandbox.hidden = [state]
        let shown = try await shell("ls -A \(state) | wc -l; cat \(state)/agentd.sqlite 2>/dev/null || echo unreadable", cwd: dir, sandbox: sandbox)
        #expect(shown.stdout == "0\nunreadable\n")
    }
}
