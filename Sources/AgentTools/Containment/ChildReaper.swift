import CAgentSupport
import Foundation
import Glibc
import Synchronization

/// Reaps every exited child of this process that no supervisor waits for: the orphans a child subreaper daemon
/// inherits from `setsid cmd &`, `( (cmd &) & )`, or a shell that exits before its background jobs
/// (`true | sleep 0.1 &`). Unreaped, each stays a zombie holding a pid until nothing can fork any more.
///
/// SIGCHLD wakes a dedicated thread (the signal handler writes to a pipe); it lists this process's children from
/// `/proc/self/task/*/children` (every thread's, since orphans go to any thread of the subreaper; a `/proc` scan
/// where that file is missing) and reaps each one that is not *owned* with `waitpid(pid, WNOHANG)`, never
/// `waitpid(-1)`. A pid is owned from before its `clone` until its owner has reaped it: spawners create and
/// register the child while holding the owned set's lock (``spawnOwned(_:)``), and a sweep holds the same lock, so
/// a child that exits the moment it starts is never taken for an orphan and its exit status never stolen from
/// its ``ChildSupervisor`` (or from Foundation's `Process`, for the MCP servers).
public final class ChildReaper: Sendable {
    /// The process's reaper (a SIGCHLD handler is process-wide).
    public static let shared = ChildReaper()

    private let owned = Mutex<Set<pid_t>>([])
    private let started = Mutex(false)
    private let wakeWrite = Mutex<Int32>(-1)
    private let reapedTotal = Atomic<Int>(0)

    private init() {}

    /// Installs the SIGCHLD handler and starts the reaping thread; later calls do nothing.
    ///
    /// - Throws: ``ProcessLaunchError`` (`spawnFailed`) when the pipe or the handler cannot be set up.
    public func start() throws(ProcessLaunchError) {
        guard started.withLock({ started in
            defer { started = true }
            return !started
        }) else { return }
        let pipe: (read: Int32, write: Int32)
        switch LinuxCalls.makePipe(nonBlocking: true) {
        case .success(let value): pipe = value
        case .failure(let failure):
            started.withLock { $0 = false }
            throw ProcessLaunchError(code: .spawnFailed, message: "child reaper: \(failure.message)")
        }
        // The reading end blocks: the thread sleeps in read(2) until a SIGCHLD arrives.
        _ = fcntl(pipe.read, F_SETFL, fcntl(pipe.read, F_GETFL) & ~O_NONBLOCK)
        guard agent_sigchld_notify(pipe.write) == 0 else {
            let failure = ErrnoFailure(errno: errno, call: "sigaction SIGCHLD")
            close(pipe.read)
            close(pipe.write)
            started.withLock { $0 = false }
            throw ProcessLaunchError(code: .spawnFailed, message: "child reaper: \(failure.message)")
        }
        wakeWrite.withLock { $0 = pipe.write }
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 256)
            while true {
                // Coalesced: one sweep handles every SIGCHLD that arrived before it.
                sweep()
                let count = buffer.withUnsafeMutableBytes { read(pipe.read, $0.baseAddress, $0.count) }
                if count < 0 && errno != EINTR { return }
            }
        }
    }

    /// How many orphans have been reaped since start.
    public var reapedCount: Int { reapedTotal.load(ordering: .relaxed) }

    /// Creates a child with `spawn` and marks its pid owned, atomically with respect to sweeps.
    ///
    /// - Parameter spawn: creates the child and returns its pid (≤ 0 when it failed: nothing is registered).
    ///   It must not reap other children, and must return quickly (sweeps wait for it).
    /// - Returns: what `spawn` returned.
    public func spawnOwned<E: Error>(_ spawn: () throws(E) -> pid_t) throws(E) -> pid_t {
        try owned.withLock { (owned: inout Set<pid_t>) throws(E) -> pid_t in
            let pid = try spawn()
            if pid > 0 { owned.insert(pid) }
            return pid
        }
    }

    /// Ends ownership of `pid` once its owner has reaped it (or will never reap it).
    public func release(_ pid: pid_t) {
        owned.withLock { _ = $0.remove(pid) }
        // An orphan may have taken the pid over while it was still listed as owned; look again.
        wake()
    }

    /// Whether `pid` is owned (a supervisor will reap it).
    func owns(_ pid: pid_t) -> Bool { owned.withLock { $0.contains(pid) } }

    private func wake() {
        wakeWrite.withLock { fd in
            guard fd >= 0 else { return }
            var byte: UInt8 = 1
            _ = write(fd, &byte, 1)
        }
    }

    /// Reaps every exited child that is not owned.
    private func sweep() {
        owned.withLock { owned in
            var reaped = 0
            for pid in Self.children() where !owned.contains(pid) {
                var status: Int32 = 0
                var rc: pid_t
                repeat { rc = waitpid(pid, &status, WNOHANG) } while rc < 0 && errno == EINTR
                if rc == pid { reaped += 1 }
            }
            if reaped > 0 { reapedTotal.add(reaped, ordering: .relaxed) }
        }
    }

    /// This process's children, from every thread's `children` file, or a `/proc` scan where there is none.
    static func children() -> [pid_t] {
        guard let tasks = opendir("/proc/self/task") else { return [] }
        defer { closedir(tasks) }
        var result: [pid_t] = []
        var found = false
        while let entry = readdir(tasks) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard pid_t(name) != nil,
                let bytes = ProcessTable.readSmallFile("/proc/self/task/\(name)/children", limit: 1 << 20)
            else { continue }
            found = true
            result += bytes.split(separator: UInt8(ascii: " ")).compactMap { pid_t(String(decoding: $0, as: UTF8.self)) }
        }
        if found { return result }
        let me = getpid()
        return ProcessTable.snapshot().parents.filter { $0.value == me }.map(\.key)
    }
}
