import Glibc

/// Reaps exited processes that became this process's children (orphans re-parented to a subreaper daemon).
///
/// Only ever `waitpid` on a named pid with `WNOHANG`, never `waitpid(-1)`: that would steal the exit status of a
/// shell its ``ChildSupervisor`` is about to reap.
enum Reaper {
    /// Reaps each of `pids` that is an exited child of this process; others are left alone.
    static func reapExited(_ pids: [pid_t]) {
        for pid in pids {
            var status: Int32 = 0
            while waitpid(pid, &status, WNOHANG) < 0 && errno == EINTR {}
        }
    }
}
