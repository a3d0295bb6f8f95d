import Glibc
import Synchronization

/// Empty per-call cgroups kept for the next call.
///
/// Measured on the 2-core machine here: starting a child inside a cgroup that already exists (`clone3` with
/// `CLONE_INTO_CGROUP`) takes about 0.15 ms, while the first process of a new group, or moving a process in by
/// writing `cgroup.procs`, waits for an RCU grace period: 3–5 ms and 7–18 ms. So a group is made once and reused
/// for one call at a time; a group that is not empty when handed back, or was killed, is removed instead.
final class ToolCgroupPool: Sendable {
    static let shared = ToolCgroupPool()

    /// The most idle groups kept per base directory; more are removed.
    private let maxIdle = 64
    private let idle = Mutex<[String: [ToolCgroup]]>([:])
    private let sweptBases = Mutex<Set<String>>([])

    /// An empty group under `base`, reused or made; `nil` when none can be made.
    func acquire(under base: String) -> ToolCgroup? {
        sweepOnce(base)
        if let group = idle.withLock({ $0[base]?.popLast() }) { return group }
        return ToolCgroup.create(under: base)
    }

    /// Takes back a group whose call has ended; only an empty group that was never killed is kept (the kernel
    /// kills every process later started in a group that had `cgroup.kill` written, seen on Linux 6.18 here).
    func release(_ group: ToolCgroup) {
        guard !group.wasKilled, !group.isPopulated() else {
            group.remove()
            return
        }
        let kept = idle.withLock { idle in
            guard idle[group.base, default: []].count < maxIdle else { return false }
            idle[group.base, default: []].append(group)
            return true
        }
        if !kept { group.remove() }
    }

    /// Removes every idle group; groups in use are removed when handed back (the pool keeps none after this
    /// only if no call is running).
    func removeIdle() {
        let groups = idle.withLock { idle in
            defer { idle.removeAll() }
            return idle.values.flatMap { $0 }
        }
        for group in groups { group.remove() }
    }

    /// Removes the empty groups a previous daemon (a pid that no longer runs) left under `base`.
    private func sweepOnce(_ base: String) {
        guard sweptBases.withLock({ $0.insert(base).inserted }) else { return }
        guard let directory = opendir(base) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            let parts = name.split(separator: "-")
            guard parts.count == 3, parts[0] == "agentd", let pid = pid_t(parts[1]), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { rmdir(base + "/" + name) }
        }
    }
}
