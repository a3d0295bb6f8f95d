import Glibc

/// Kernel resource limits (soft = hard) for a tool process and everything it forks; `nil` leaves a limit as inherited.
///
/// The child sets them on itself between `clone` and `execve` (`agent_spawn`), so the command never runs
/// unlimited. `processes` is `RLIMIT_NPROC`, which the kernel counts per real user id, not per process tree:
/// with the daemon's own user it also counts the daemon's threads and every other run's processes.
public struct ResourceLimits: Sendable, Hashable {
    /// `RLIMIT_CPU`, seconds of CPU time (SIGXCPU, then SIGKILL).
    public var cpuSeconds: UInt64?
    /// `RLIMIT_AS`, bytes of virtual address space.
    public var addressSpaceBytes: UInt64?
    /// `RLIMIT_FSIZE`, the largest file the process may write, in bytes (SIGXFSZ).
    public var fileSizeBytes: UInt64?
    /// `RLIMIT_NPROC`, processes of the real user id (see the type's note).
    public var processes: UInt64?

    /// Creates limits; all `nil` means none are applied.
    public init(
        cpuSeconds: UInt64? = nil,
        addressSpaceBytes: UInt64? = nil,
        fileSizeBytes: UInt64? = nil,
        processes: UInt64? = nil
    ) {
        self.cpuSeconds = cpuSeconds
        self.addressSpaceBytes = addressSpaceBytes
        self.fileSizeBytes = fileSizeBytes
        self.processes = processes
    }

    /// Whether any limit is set.
    public var isEmpty: Bool { entries.isEmpty }

    /// `(resource, value)` pairs to apply.
    var entries: [(resource: Int32, value: UInt64)] {
        var result: [(Int32, UInt64)] = []
        if let cpuSeconds { result.append((Int32(RLIMIT_CPU.rawValue), cpuSeconds)) }
        if let addressSpaceBytes { result.append((Int32(RLIMIT_AS.rawValue), addressSpaceBytes)) }
        if let fileSizeBytes { result.append((Int32(RLIMIT_FSIZE.rawValue), fileSizeBytes)) }
        if let processes { result.append((Int32(__RLIMIT_NPROC.rawValue), processes)) }
        return result
    }
}
