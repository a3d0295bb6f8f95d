import Glibc

/// Runs `/bin/sh -c` commands as real child processes, each in its own process group, under a wall-clock limit.
///
/// Behaviour, in order:
/// - spawn with `posix_spawn`: new process group (pgid = pid), signal mask cleared and every signal reset to its
///   default (the daemon may ignore SIGPIPE), stdin from `/dev/null`, stdout and stderr to pipes, every other fd
///   closed, the working directory set by the spawn itself, the environment exactly ``ProcessRequest/environment``;
/// - with ``ResourceLimits``, the shell first waits on a gate pipe while the parent applies them with `prlimit`;
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
///   could steal a shell's status from its supervisor (``Termination/unknown``).
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

    // The gate: the shell blocks reading fd 3 until the parent has applied the rlimits, then execs the command
    // with fd 3 closed. `$1` is the command, so `$0`, `$@` and the shell's state match a plain `sh -c`.
    // With an argv, the gate execs it as given: `sh -c gate sh prog arg…` runs `exec "$@"`, which parses nothing.
    private static let gateScript = "IFS= read -r _ <&3 || exit 125; exec /bin/sh -c \"$1\" 3<&-"
    private static let gateExecScript = "IFS= read -r _ <&3 || exit 125; exec \"$@\" 3<&-"

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
        // The gate holds the shell until its cgroup and rlimits are in place, so the command never runs outside them.
        let gated = !request.resourceLimits.isEmpty || call.cgroup != nil
        let gate = gated ? try makePipe() : nil

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out.write, 1)
        posix_spawn_file_actions_adddup2(&actions, err.write, 2)
        if let gate { posix_spawn_file_actions_adddup2(&actions, gate.read, 3) }
        // Everything else (the pipes' original fds, the daemon's sockets and database) stays out of the child.
        if let addClosefrom = LinuxCalls.addClosefrom {
            _ = addClosefrom(&actions, gated ? 4 : 3)
        }
        guard let addChdir = LinuxCalls.addChdir else {
            closeAll()
            throw ProcessLaunchError(code: .spawnFailed, message: "posix_spawn_file_actions_addchdir_np is unavailable")
        }
        _ = addChdir(&actions, request.workingDirectory)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let arguments: [String]
        switch (request.argv, gated) {
        case (let argv?, true): arguments = [shellPath, "-c", gateExecScript, shellPath, program] + argv.dropFirst()
        case (let argv?, false): arguments = [program] + argv.dropFirst()
        case (nil, true): arguments = [shellPath, "-c", gateScript, shellPath, request.command]
        case (nil, false): arguments = [shellPath, "-c", request.command]
        }
        let executable = gated || request.argv == nil ? shellPath : program
        // Entries that cannot be represented as `NAME=value` C strings are dropped.
        var childEnvironment = request.environment
        childEnvironment[call.environmentEntry.name] = call.environmentEntry.value
        let environment = childEnvironment
            .filter {
                !$0.key.isEmpty && !$0.key.utf8.contains(0) && !$0.key.contains("=") && !$0.value.utf8.contains(0)
            }
            .sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }

        var pid: pid_t = 0
        let startedAt = LinuxCalls.monotonicNanos()
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else {
            closeAll()
            let code: ProcessLaunchError.Code =
                rc == ENOENT && stat(request.workingDirectory, &info) != 0 ? .workingDirectoryMissing : .spawnFailed
            throw ProcessLaunchError(code: code, message: "posix_spawn \(executable): \(String(cString: strerror(rc)))")
        }
        close(out.write)
        close(err.write)

        var adopted = false
        if let gate {
            close(gate.read)
            adopted = call.adopt(pid)
            if case .failure(let failure) = request.resourceLimits.apply(to: pid) {
                kill(-pid, SIGKILL)
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                for fd in [out.read, err.read, wake.read, wake.write, gate.write] { close(fd) }
                throw ProcessLaunchError(code: .resourceLimitsFailed, message: failure.message)
            }
            var go: UInt8 = 0x0a
            _ = write(gate.write, &go, 1)
            close(gate.write)
        }
        return ChildSupervisor(
            pid: pid, request: request, stdoutFD: out.read, stderrFD: err.read, wake: wake, startedAt: startedAt,
            containment: call, adopted: adopted)
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
        /// `pipe2` or `posix_spawn` failed (fd or process limits, no `/bin/sh`).
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
