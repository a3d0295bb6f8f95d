import Glibc

/// Finds and kills a call's processes without a cgroup: every process whose environment carries the call's marker
/// variable, and every descendant of one (found through the parent pids in `/proc/*/stat`).
///
/// Each round stops (SIGSTOP) what it found, so nothing forks behind the sweep's back; when a round finds nothing
/// new, everything found is SIGKILLed, waited for through pidfds and, if it is this process's child, reaped.
/// A process that both cleared its environment and left the tree of marked processes is not found: only a
/// per-call cgroup (``ToolCgroup``) is complete.
enum MarkerSweep {
    /// The environment variable carrying a call's marker.
    static let variable = "AGENTD_TOOL_CALL"

    /// Kills every process marked with `marker` and its descendants, except `excluded`.
    ///
    /// - Returns: the pids that were killed.
    @discardableResult
    static func killAll(marker: String, excluding excluded: pid_t, timeout: Duration = .seconds(5)) -> [pid_t] {
        let entry = Array("\(variable)=\(marker)".utf8)
        let me = getpid()
        var found: Set<pid_t> = []
        var watches: [ProcessExit.Watch] = []
        defer { for watch in watches { watch.close() } }
        for _ in 0..<16 {
            let table = ProcessTable.snapshot()
            var fresh: Set<pid_t> = []
            for pid in table.parents.keys where pid != me && pid != excluded && !found.contains(pid) {
                if ProcessTable.environment(of: pid, contains: entry) { fresh.insert(pid) }
            }
            fresh.formUnion(table.descendants(of: found.union(fresh)).subtracting(found))
            fresh.remove(me)
            fresh.remove(excluded)
            if fresh.isEmpty { break }
            for pid in fresh {
                if let watch = ProcessExit.Watch(pid: pid) { watches.append(watch) }
                kill(pid, SIGSTOP)
            }
            found.formUnion(fresh)
        }
        guard !found.isEmpty else { return [] }
        for pid in found { kill(pid, SIGKILL) }
        let deadline = LinuxCalls.monotonicNanos() &+ timeout.nanoseconds
        for watch in watches { _ = watch.wait(until: deadline) }
        let killed = Array(found)
        Reaper.reapExited(killed)
        return killed
    }
}
