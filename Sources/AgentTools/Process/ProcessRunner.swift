import CAgentSupport
import Glibc

/// Runs `/bin/sh -c` commands as real child processes, each in its own process group, under a wall-clock limit.
///
/// Behaviour, in order:
/// - spawn with `agent_spawn` (CAgentSupport): new process group (pgid = pid), signal mask cleared and every signal
///   reset to its default (the daemon may ignore SIGPIPE), ``ResourceLimits`` set in the child before `execve`,
///   stdin from `/dev/null`, stdout and stderr to pipes, every other fd closed, the working directory set by the
///   spawn itself, the environment exactly ``ProcessRequest/environment``, and — with per-call cgroups — started
///   inside the call's cgroup (`clone3` with `CLONE_INTO_CGROUP`), so the command never runs outside its limits;
/// - both pipes are drained concurrently to EOF, keeping head and tail of each (the child never blocks on a full
///   pipe);
/// - timeout or task cancellation: SIGTERM to the group, SIGKILL after ``ProcessRequest/killGrace``;
/// - when the shell exits, every process still in its group is SIGKILLed (background jobs do not outlive the call);
/// - processes that left the group (`setsid`, daemons that double-fork into a new session) are killed too, by
///   ``EscapeContainment``: the call's own cgroup v2 (`cgroup.kill`) when the daemon's cgroup is delegated, else
///   every process carrying the call's marker variable (`AGENTD_TOOL_CALL`) and its descendants. They are waited
///   for through pidfds before the result is reported, and reaped when they were re-parented to this process
///   (the daemon is a child subreaper, `PR_SET_CHILD_SUBREAPER`).
/// - only the runner's own children are waited for, each by pid (`waitid`/`waitpid`), never `waitpid(-1)`, which
///   could steal a shell's status from its supervisor (``Termination/unknown``); the shell is owned in
///   ``ChildReaper`` from before its `clone` until its supervisor reaped it, so the daemon's orphan reaper leaves
///   it alone.
public struct ProcessRunner: Sendable {
    /// The shell every command runs under.
    public static let shellPath = "/bin/sh"

    /// How processes that escaped a call's process group are found and killed.
    public let containment: EscapeContainment

    /// Creates a runner.
    ///
    /// - Parameter containment: per-call cgroups when this process's cgroup is delegated, else the marker sweep.
    public init(containment: EscapeContainment = .detected) {
        self.containment = containment
    }

    /// Runs `request` to completion and returns what happened.
    ///
    /// - Throws: ``ProcessLaunchError`` when the child could not be started (missing working directory,
    ///   no `/bin/sh`, resource exhaustion); once started, every outcome is a ``ProcessResult``.
    public func run(_ request: ProcessRequest) async throws(ProcessLaunchError) -> ProcessResult {
        let supervisor = try Self.spawn(request, call: containment.prepareCall())
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                supervisor.start { continuation.resume(returning: $0) }
            }
        } onCancel: {
            supervisor.cancel()
        }
    }

    private static func spawn(_ request: ProcessRequest, call: CallContainment) throws(ProcessLaunchError)
        -> ChildSupervisor
    {
        do {
            return try spawnContained(request, call: call)
        } catch {
            call.discard()
            throw error
        }
    }

    private static func spawnContained(_ request: ProcessRequest, call: CallContainment)
        throws(ProcessLaunchError) -> ChildSupervisor
    {
        // C strings end at NUL: a command or path with one would silently run something shorter.
        guard !request.command.utf8.contains(0), !request.workingDirectory.utf8.contains(0),
            !(request.argv ?? []).contains(where: { $0.utf8.contains(0) })
        else {
            throw ProcessLaunchError(
                code: .invalidRequest, message: "the command or working directory contains a NUL byte")
        }
        var info = stat()
        guard stat(request.workingDirectory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw ProcessLaunchError(
                code: .workingDirectoryMissing,
                message: "working directory '\(request.workingDirectory)' does not exist or is not a directory")
        }

        let program = try ExecutableLookup.program(for: request)

        var opened: [Int32] = []
        func closeAll() { for fd in opened { close(fd) } }
        func makePipe(nonBlocking: Bool = false) throws(ProcessLaunchError) -> (read: Int32, write: Int32) {
            switch LinuxCalls.makePipe(nonBlocking: nonBlocking) {
            case .success(let pipe):
                opened += [pipe.read, pipe.write]
                return pipe
            case .failure(let failure):
                closeAll()
                throw ProcessLaunchError(code: .spawnFailed, message: failure.message)
            }
        }
        let out = try makePipe()
        let err = try makePipe()
        let wake = try makePipe(nonBlocking: true)
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard devNull >= 0 else {
            let failure = ErrnoFailure(errno: errno, call: "open /dev/null")
            closeAll()
            throw ProcessLaunchError(code: .spawnFailed, message: failure.message)
        }
        opened.append(devNull)

        let arguments = request.argv.map { [program] + $0.dropFirst() } ?? [shellPath, "-c", request.command]
        let executable = request.argv == nil ? shellPath : program
        // Entries that cannot be represented as `NAME=value` C strings are dropped.
        var childEnvironment = request.environment
        childEnvironment[call.environmentEntry.name] = call.environmentEntry.value
        let environment = childEnvironment
            .filter {
                !$0.key.isEmpty && !$0.key.utf8.contains(0) && !$0.key.contains("=") && !$0.value.utf8.contains(0)
            }
            .sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }
        let limits = request.resourceLimits.entries
        let resources = limits.map(\.resource)
        let values = limits.map { rlimit(rlim_cur: rlim_t($0.value), rlim_max: rlim_t($0.value)) }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }

        let startedAt = LinuxCalls.monotonicNanos()
        var spawn = agent_spawn_request()
        // Registered with the reaper before it can exit, so its status stays its supervisor's.
        let pid = ChildReaper.shared.spawnOwned { executable.withCString { path in
            request.workingDirectory.withCString { cwd in
                resources.withUnsafeBufferPointer { resources in
                    values.withUnsafeBufferPointer { values in
                        argv.withUnsafeBufferPointer { argv in
                            envp.withUnsafeBufferPointer { envp in
                                spawn.path = path
                                spawn.argv = argv.baseAddress
                                spawn.envp = envp.baseAddress
                                spawn.cwd = cwd
                                spawn.stdin_fd = devNull
                                spawn.stdout_fd = out.write
                                spawn.stderr_fd = err.write
                                spawn.cgroup_fd = call.cgroup?.descriptor ?? -1
                                spawn.rlimit_count = Int32(resources.count)
                                spawn.rlimit_resources = resources.baseAddress
                                spawn.rlimits = values.baseAddress
                                return agent_spawn(&spawn)
                            }
                        }
                    }
                }
            }
        } }
        for fd in [out.write, err.write, devNull] { close(fd) }
        guard pid > 0 else {
            for fd in [out.read, err.read, wake.read, wake.write] { close(fd) }
            throw ProcessLaunchError(failedStep: spawn.failed_step, errno: -pid, executable: executable)
        }
        return ChildSupervisor(
            pid: pid, request: request, stdoutFD: out.read, stderrFD: err.read, wake: wake, startedAt: startedAt,
            containment: call, adopted: spawn.in_cgroup != 0)
    }
}

/// Why a child could not be started.
public struct ProcessLaunchError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure; none is retryable without changing the request or the machine.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        public var description: String { name }
        /// The working directory does not exist or is not a directory.
        public static let workingDirectoryMissing = Code(name: "workingDirectoryMissing")
        /// The command or working directory cannot be passed to the kernel (contains NUL).
        public static let invalidRequest = Code(name: "invalidRequest")
        /// `pipe2` or the spawn failed (fd or process limits, no `/bin/sh`).
        public static let spawnFailed = Code(name: "spawnFailed")
        /// The program of an argv request is not an executable file (or not found in `PATH`).
        public static let programNotFound = Code(name: "programNotFound")
        /// The resource limits could not be applied (the child was killed before running the command).
        public static let resourceLimitsFailed = Code(name: "resourceLimitsFailed")
    }

    public var code: Code
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
