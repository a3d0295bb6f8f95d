import Foundation
import Synchronization

/// Children of the test process still running when it exits, killed then: a test that fails before its harness's
/// `stop()` (or whose `defer { Task { await harness.stop() } }` never got to run) must not leave daemons and
/// emulators behind.
enum LeftoverChildren {
    private static let running = Mutex<Set<pid_t>>([])
    private static let installed: Void = { atexit { LeftoverChildren.killAll() } }()

    /// Tracks `process` (already running) until it terminates.
    static func track(_ process: Process) {
        _ = installed
        let pid = process.processIdentifier
        running.withLock { _ = $0.insert(pid) }
        process.terminationHandler = { _ in running.withLock { _ = $0.remove(pid) } }
    }

    /// Kills the tracked pids that are still this process's children (a pid whose exit went unnoticed may have
    /// been reused by an unrelated process).
    private static func killAll() {
        for pid in running.withLock({ $0 }) where parent(of: pid) == getpid() { kill(pid, SIGKILL) }
    }

    /// The parent pid from `/proc/PID/stat` (the field after the parenthesised command name).
    private static func parent(of pid: pid_t) -> pid_t? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? pid_t(fields[1]) : nil
    }
}
