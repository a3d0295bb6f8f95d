import Glibc

/// How a finished child ended, and what it wrote.
public struct ProcessResult: Sendable, Hashable {
    /// The shell's pid, which was also its process group id.
    public var pid: Int32
    public var termination: Termination
    public var stdout: CapturedOutput
    public var stderr: CapturedOutput
    /// The wall-clock timeout expired and the group was signalled.
    public var timedOut: Bool
    /// The calling task was cancelled and the group was signalled.
    public var cancelled: Bool
    /// Some process outside the group (e.g. started with `setsid`) still held an output pipe after
    /// ``ProcessRequest/drainGrace``; the pipes were closed on our side and the process may still be running.
    public var outputAbandoned: Bool
    /// Wall-clock time from spawn until the result was ready.
    public var durationMillis: Double
    /// Processes of the call that had left its process group (`setsid`, double forks) and were killed after the
    /// shell ended (see ``EscapeContainment``).
    public var killedEscapees: [Int32]

    /// Creates a result.
    public init(
        pid: Int32, termination: Termination, stdout: CapturedOutput, stderr: CapturedOutput, timedOut: Bool,
        cancelled: Bool, outputAbandoned: Bool, durationMillis: Double, killedEscapees: [Int32] = []
    ) {
        self.killedEscapees = killedEscapees
        self.pid = pid
        self.termination = termination
        self.stdout = stdout
        self.stderr = stderr
        self.timedOut = timedOut
        self.cancelled = cancelled
        self.outputAbandoned = outputAbandoned
        self.durationMillis = durationMillis
    }
}

/// How the shell process ended.
public enum Termination: Sendable, Hashable {
    /// It called `exit` with this status.
    case exited(Int32)
    /// A signal killed it.
    case signaled(Int32)
    /// Its status was lost (another part of the process reaped it with `waitpid(-1)`).
    case unknown

    /// The status a shell would print for `$?`: the exit status, `128 + signal`, or -1 when unknown.
    public var shellStatus: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        case .unknown: -1
        }
    }

    /// The exit status when the process exited, else `nil`.
    public var exitCode: Int32? {
        if case .exited(let code) = self { return code }
        return nil
    }

    /// The signal's name (`SIGKILL`) when a signal killed the process, else `nil`.
    public var signalName: String? {
        guard case .signaled(let signal) = self else { return nil }
        return Self.signalNames[signal] ?? "SIG\(signal)"
    }

    private static let signalNames: [Int32: String] = [
        SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
        SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGUSR1: "SIGUSR1",
        SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2", SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM",
        SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ", SIGSYS: "SIGSYS",
    ]

    init(waitStatus status: Int32) {
        // WIFEXITED / WTERMSIG are macros Swift does not import.
        let signal = status & 0x7f
        if signal == 0 {
            self = .exited((status >> 8) & 0xff)
        } else {
            self = .signaled(signal)
        }
    }
}
