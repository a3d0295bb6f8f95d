import Glibc
import Synchronization

/// How a runner finds and kills the processes of a call that left its process group (`setsid`, double forks).
public enum EscapeContainment: Sendable, Hashable {
    /// Each call runs in its own cgroup v2 under this directory; `cgroup.kill` ends everything in it.
    case cgroup(base: String)
    /// Processes carrying the call's marker variable, and their descendants, are found in `/proc` and killed.
    case markerSweep

    /// A cgroup under this process's own when it is delegated, else the marker sweep.
    public static var detected: EscapeContainment {
        switch CgroupDelegation.detected {
        case .success(let base): .cgroup(base: base)
        case .failure: .markerSweep
        }
    }

    /// Removes the empty per-call cgroups kept for reuse (call at exit: nothing else removes them).
    public static func removeIdleGroups() {
        ToolCgroupPool.shared.removeIdle()
    }

    /// Sets up the containment of one call.
    func prepareCall() -> CallContainment {
        let marker = "\(getpid())-\(CallContainment.nextNumber())-\(UInt32.random(in: .min ... .max))"
        switch self {
        case .cgroup(let base): return CallContainment(marker: marker, cgroup: ToolCgroupPool.shared.acquire(under: base))
        case .markerSweep: return CallContainment(marker: marker, cgroup: nil)
        }
    }
}

/// The containment of one call: its marker variable and, when available, its cgroup.
final class CallContainment: Sendable {
    let marker: String
    let cgroup: ToolCgroup?

    private static let counter = Mutex(0)

    init(marker: String, cgroup: ToolCgroup?) {
        self.marker = marker
        self.cgroup = cgroup
    }

    static func nextNumber() -> Int { counter.withLock { $0 += 1; return $0 } }

    /// The `NAME=value` entry added to the child's environment.
    var environmentEntry: (name: String, value: String) { (MarkerSweep.variable, marker) }

    /// Kills whatever of the call is still running (the shell `excluded`), and returns the killed pids.
    func killRemaining(excluding shell: pid_t, adopted: Bool) -> [pid_t] {
        if adopted, let cgroup { return cgroup.killAll(excluding: shell) }
        return MarkerSweep.killAll(marker: marker, excluding: shell)
    }

    /// Hands back the cgroup of a call that never started.
    func discard() {
        if let cgroup { ToolCgroupPool.shared.release(cgroup) }
    }
}
