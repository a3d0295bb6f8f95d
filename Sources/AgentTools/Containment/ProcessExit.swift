import CAgentSupport
import Glibc

/// Waits for processes to exit through pidfds (`pidfd_open(2)`), never by polling `/proc` with sleeps.
public enum ProcessExit {
    /// Waits until `pid` has exited (a zombie counts) or is gone, at most `timeout`.
    ///
    /// - Returns: `true` when the process is no longer running, `false` when it still runs at the deadline.
    public static func wait(pid: Int32, timeout: Duration) -> Bool {
        guard let watch = Watch(pid: pid) else { return true }
        defer { watch.close() }
        return watch.wait(until: LinuxCalls.monotonicNanos() &+ timeout.nanoseconds)
    }

    /// A pidfd held on one process: opened before the process is signalled, so a recycled pid cannot be mistaken
    /// for it afterwards.
    struct Watch {
        let pid: pid_t
        let fd: Int32

        /// Opens a pidfd; `nil` when the process is already gone (or pidfds are unavailable).
        init?(pid: pid_t) {
            let fd = agent_pidfd_open(pid)
            guard fd >= 0 else { return nil }
            self.pid = pid
            self.fd = fd
        }

        /// Blocks until the process has exited or the monotonic `deadline` passes; `true` when it exited.
        func wait(until deadline: UInt64) -> Bool {
            while true {
                var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let now = LinuxCalls.monotonicNanos()
                let millis = Int32(clamping: (deadline - min(deadline, now) + 999_999) / 1_000_000)
                let ready = poll(&entry, 1, millis)
                if ready > 0 { return true }
                if ready == 0 { return false }
                if errno != EINTR { return false }
            }
        }

        func close() { Glibc.close(fd) }
    }
}
