import Foundation

/// Runs tool processes under bubblewrap: the whole file system read-only, the run's working directory and
/// workspace roots writable, a private `/tmp`, no network (a new network namespace with only loopback), a private
/// pid namespace with its own `/proc`, and the sandbox dies with its supervisor.
///
/// The pid namespace is what keeps a tool from the daemon: no daemon pid exists inside, so `/proc/<pid>/environ`,
/// `/proc/<pid>/mem` and `kill` cannot name it (or any other run's processes). It also ends with the call: when the
/// command exits, the namespace's first process exits and the kernel kills everything left in it, including
/// processes that left the session (`setsid`) or cleared their environment, which the marker sweep cannot find.
public struct BubblewrapSandbox: Sendable, Hashable {
    /// The `bwrap` executable.
    public var executable: String

    /// Directories shown empty inside (a tmpfs over each): the daemon's state and socket directories, so a tool
    /// can neither read the ledger (every run's prompts and outputs) nor talk to the control socket.
    public var hidden: [String] = []

    /// Creates a sandbox using `executable`.
    public init(executable: String = "/usr/bin/bwrap") { self.executable = executable }

    /// The argv that runs `/bin/sh -c command` inside the sandbox.
    ///
    /// - Parameters:
    ///   - command: the shell command.
    ///   - writable: directories bound read-write (the working directory first); bound after the private `/tmp`,
    ///     so a workspace under `/tmp` stays visible.
    public func argv(command: String, writable: [String]) -> [String] {
        argv(program: [ProcessRunner.shellPath, "-c", command], writable: writable)
    }

    /// The argv that runs `program` (an absolute path and its arguments) inside the sandbox.
    ///
    /// - Parameters:
    ///   - program: the program's absolute path, then its arguments.
    ///   - writable: as in ``argv(command:writable:)``.
    public func argv(program: [String], writable: [String]) -> [String] {
        var argv = [executable, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
        for directory in hidden { argv += ["--tmpfs", directory] }
        for directory in writable { argv += ["--bind", directory, directory] }
        argv += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--die-with-parent", "--new-session"]
        if let cwd = writable.first { argv += ["--chdir", cwd] }
        return argv + ["--"] + program
    }

    /// Checks that bubblewrap can create its namespaces here (user namespaces are often forbidden in containers).
    ///
    /// - Returns: the sandbox, or why it cannot run (the message says what was tried and what failed).
    public static func probe(executable: String = "/usr/bin/bwrap") async -> Result<BubblewrapSandbox, SandboxUnavailable> {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            return .failure(SandboxUnavailable(reason: "\(executable) is not installed (apt-get install bubblewrap)"))
        }
        let sandbox = BubblewrapSandbox(executable: executable)
        var request = ProcessRequest(
            command: "", workingDirectory: "/", environment: ["PATH": EnvironmentPolicy.defaultPath],
            timeout: .seconds(10))
        request.argv = sandbox.argv(command: "true", writable: [])
        do {
            let result = try await ProcessRunner().run(request)
            guard result.termination == .exited(0) else {
                let stderr = String(decoding: result.stderr.head, as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                return .failure(SandboxUnavailable(reason: "bwrap cannot create its sandbox here: \(stderr)"))
            }
            return .success(sandbox)
        } catch {
            return .failure(SandboxUnavailable(reason: "cannot run \(executable): \(error.message)"))
        }
    }
}

/// Why the configured sandbox cannot be used.
public struct SandboxUnavailable: Error, Hashable, Sendable, CustomStringConvertible {
    public var reason: String

    public init(reason: String) { self.reason = reason }

    public var description: String { reason }
}
