import Foundation
import Glibc

/// One tool call's own cgroup v2: the shell starts inside it (``descriptor`` is passed to `clone3`), so everything
/// it starts — in any process group or session — is inside, and `cgroup.kill` ends all of it at once. Emptied
/// groups go back to ``ToolCgroupPool`` for the next call.
final class ToolCgroup: @unchecked Sendable {
    let path: String
    /// The directory under which the group was made (its pool key).
    let base: String
    /// An `O_DIRECTORY` descriptor of the group, for `CLONE_INTO_CGROUP`.
    let descriptor: Int32
    /// Whether `cgroup.kill` was written: such a group is never reused.
    private(set) var wasKilled = false
    nonisolated(unsafe) private static var counter = 0
    private static let counterLock = NSLock()

    private init(path: String, base: String, descriptor: Int32) {
        self.path = path
        self.base = base
        self.descriptor = descriptor
    }

    /// Creates `<base>/agentd-<daemon pid>-<n>`; `nil` when the directory cannot be made.
    static func create(under base: String) -> ToolCgroup? {
        counterLock.lock()
        counter += 1
        let number = counter
        counterLock.unlock()
        let path = base + "/agentd-\(getpid())-\(number)"
        guard mkdir(path, 0o755) == 0 else { return nil }
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            rmdir(path)
            return nil
        }
        return ToolCgroup(path: path, base: base, descriptor: descriptor)
    }

    /// Kills every process in the group, waits until they have exited, reaps those that are this process's
    /// children (orphans re-parented to a subreaper daemon), and hands the group back to the pool.
    ///
    /// - Parameters:
    ///   - excluded: a pid never reaped here (the shell, which its supervisor reaps).
    ///   - timeout: the longest wait for the kernel to empty the group.
    /// - Returns: the pids that were killed.
    @discardableResult
    func killAll(excluding excluded: pid_t, timeout: Duration = .seconds(5)) -> [pid_t] {
        defer { ToolCgroupPool.shared.release(self) }
        guard isPopulated() else { return [] }
        let members = pids().filter { $0 != excluded }
        let watches = members.compactMap(ProcessExit.Watch.init(pid:))
        defer { for watch in watches { watch.close() } }
        wasKilled = true
        guard write("1\n", to: "cgroup.kill") else {
            // Without cgroup.kill (should not happen: probed at start-up), signal the members one by one.
            for pid in members { kill(pid, SIGKILL) }
            return members
        }
        let deadline = LinuxCalls.monotonicNanos() &+ timeout.nanoseconds
        // Every watch readable means every member has exited and been re-parented: then reaping cannot miss one.
        for watch in watches { _ = watch.wait(until: deadline) }
        Reaper.reapExited(members)
        return members
    }

    /// Whether any process is still in the group (`populated 1` in `cgroup.events`).
    func isPopulated() -> Bool {
        guard let bytes = ProcessTable.readSmallFile(path + "/cgroup.events") else { return false }
        return String(decoding: bytes, as: UTF8.self).contains("populated 1")
    }

    /// The pids in the group.
    func pids() -> [pid_t] {
        guard let bytes = ProcessTable.readSmallFile(path + "/cgroup.procs", limit: 1 << 20) else { return [] }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { pid_t($0) }
    }

    /// Closes the descriptor and removes the directory; the kernel refuses (EBUSY) while a member is still
    /// exiting, so it retries briefly.
    func remove() {
        close(descriptor)
        for _ in 0..<50 {
            if rmdir(path) == 0 || errno == ENOENT { return }
            guard errno == EBUSY else { return }
            var pause = timespec(tv_sec: 0, tv_nsec: 2_000_000)
            nanosleep(&pause, nil)
        }
    }

    private func write(_ text: String, to file: String) -> Bool {
        let fd = open(path + "/" + file, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } == bytes.count
    }
}
