import Foundation
import Glibc

/// Watches one spawned shell: drains its pipes, enforces the timeout, kills leftovers, reaps it.
///
/// Two dedicated threads per child, so nothing blocks the cooperative pool:
/// - the *waiter* blocks in `waitid(P_PID, pid, WEXITED | WNOWAIT)`, which reports the exit but leaves the shell a
///   zombie. A zombie leader keeps its pid, and so the process group id, from being reused; every
///   `kill(-pgid, …)` below is therefore safe until the supervisor reaps it at the very end. On exit the waiter
///   SIGKILLs the whole group: background children (`sleep 100 &`) would otherwise keep the pipes open and the
///   reads would never see EOF.
/// - the *I/O thread* `poll`s both pipes and a wake-up pipe, keeps head and tail of each stream, and runs the
///   clock: timeout → SIGTERM to the group, `killGrace` later → SIGKILL. After the exit it reads for at most
///   `drainGrace` after the waiter killed the escaped processes (see EscapeContainment), then reaps the shell with
///   `waitpid(pid)` — never `waitpid(-1)` — and reports.
final class ChildSupervisor: @unchecked Sendable {
    private enum StopReason { case timeout, cancelled }

    let pid: pid_t
    private let request: ProcessRequest
    private let stdoutFD: Int32
    private let stderrFD: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let startedAt: UInt64
    private let containment: CallContainment
    private let adopted: Bool
    /// Signalled by the waiter once the call's escaped processes are dead; the I/O thread reports only after it.
    private let containmentDone = DispatchSemaphore(value: 0)
    private var killedEscapees: [pid_t] = []

    // Guarded by `lock`.
    private let lock = NSLock()
    private var reaped = false
    private var exitedAt: UInt64?
    /// When the waiter finished killing escaped processes; the drain grace counts from here, not from the exit, so a
    /// slow sweep on a loaded machine does not eat the time the last writers' output needs to arrive.
    private var containedAt: UInt64?
    private var stopReason: StopReason?
    private var termSentAt: UInt64?
    private var killSent = false
    private var wakeClosed = false

    init(
        pid: pid_t, request: ProcessRequest, stdoutFD: Int32, stderrFD: Int32, wake: (read: Int32, write: Int32),
        startedAt: UInt64, containment: CallContainment, adopted: Bool
    ) {
        self.containment = containment
        self.adopted = adopted
        self.pid = pid
        self.request = request
        self.stdoutFD = stdoutFD
        self.stderrFD = stderrFD
        self.wakeRead = wake.read
        self.wakeWrite = wake.write
        self.startedAt = startedAt
    }

    /// Starts the two threads; `completion` runs once, on the I/O thread, with the result.
    func start(completion: @escaping @Sendable (ProcessResult) -> Void) {
        Thread.detachNewThread { [self] in waitForExit() }
        Thread.detachNewThread { [self] in completion(superviseIO()) }
    }

    /// Asks the group to stop because the calling task was cancelled (SIGTERM now, SIGKILL after the grace).
    func cancel() { stop(.cancelled) }

    private func stop(_ reason: StopReason) {
        lock.lock()
        if stopReason == nil && !reaped && exitedAt == nil {
            stopReason = reason
            termSentAt = LinuxCalls.monotonicNanos()
            kill(-pid, SIGTERM)
        }
        lock.unlock()
        wake()
    }

    // Under the lock: once the I/O thread has closed the wake pipe its fd numbers may belong to someone else.
    private func wake() {
        lock.lock()
        defer { lock.unlock() }
        guard !wakeClosed else { return }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    // MARK: waiter thread

    private func waitForExit() {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
        lock.lock()
        exitedAt = LinuxCalls.monotonicNanos()
        // Leftover members of the group (background jobs) would keep the pipes open: kill them. The shell is
        // still an unreaped zombie, so the group id cannot have been recycled.
        if !reaped { kill(-pid, SIGKILL) }
        lock.unlock()
        // Then whatever left the group: the call's cgroup, or the marked processes and their descendants. Their
        // death closes the pipes they held, so the I/O thread need not wait out the drain grace.
        let escaped = containment.killRemaining(excluding: pid, adopted: adopted)
        lock.lock()
        killedEscapees = escaped
        containedAt = LinuxCalls.monotonicNanos()
        lock.unlock()
        containmentDone.signal()
        wake()
    }

    // MARK: I/O thread

    private func superviseIO() -> ProcessResult {
        var streams = [
            (fd: stdoutFD, buffer: HeadTailBuffer(limits: request.capture), open: true),
            (fd: stderrFD, buffer: HeadTailBuffer(limits: request.capture), open: true),
        ]
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
        defer { chunk.deallocate() }
        let timeoutAt = startedAt &+ request.timeout.nanoseconds
        var abandoned = false

        while true {
            let now = LinuxCalls.monotonicNanos()
            lock.lock()
            let exited = exitedAt
            let contained = containedAt
            let stopping = stopReason != nil
            let termAt = termSentAt
            let killed = killSent
            lock.unlock()

            if exited == nil && !stopping && now >= timeoutAt {
                stop(.timeout)
                continue
            }
            if exited == nil, let termAt, !killed, now >= termAt &+ request.killGrace.nanoseconds {
                lock.lock()
                if !reaped && exitedAt == nil { kill(-pid, SIGKILL) }
                killSent = true
                lock.unlock()
                continue
            }
            let anyOpen = streams.contains { $0.open }
            if exited != nil && !anyOpen { break }
            if let contained, now >= contained &+ request.drainGrace.nanoseconds {
                abandoned = true
                break
            }

            // The next moment the clock needs attention.
            var deadline = UInt64.max
            if exited != nil {
                // Until the containment is done, its end wakes us (through the wake pipe).
                if let contained { deadline = contained &+ request.drainGrace.nanoseconds }
            } else if let termAt {
                if !killed { deadline = termAt &+ request.killGrace.nanoseconds }
            } else {
                deadline = timeoutAt
            }
            let timeoutMillis: Int32 =
                deadline == .max ? -1 : Int32(clamping: (deadline - min(deadline, now) + 999_999) / 1_000_000)

            var pollFDs = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            for stream in streams where stream.open {
                pollFDs.append(pollfd(fd: stream.fd, events: Int16(POLLIN), revents: 0))
            }
            let ready = poll(&pollFDs, nfds_t(pollFDs.count), timeoutMillis)
            if ready < 0 {
                if errno == EINTR { continue }
                // Cannot happen with valid fds. Kill rather than spin or leave the group running unwatched.
                lock.lock()
                if !reaped { kill(-pid, SIGKILL) }
                lock.unlock()
                break
            }
            if pollFDs[0].revents != 0 { drainWakePipe(chunk) }
            for entry in pollFDs.dropFirst() where entry.revents != 0 {
                guard let index = streams.firstIndex(where: { $0.fd == entry.fd }) else { continue }
                let count = read(entry.fd, chunk.baseAddress, chunk.count)
                if count > 0 {
                    streams[index].buffer.append(UnsafeRawBufferPointer(rebasing: chunk[..<count]))
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    streams[index].open = false
                }
            }
        }

        for stream in streams { close(stream.fd) }
        containmentDone.wait()
        let termination = reap()
        lock.lock()
        wakeClosed = true
        close(wakeRead)
        close(wakeWrite)
        let reason = stopReason
        let escapees = killedEscapees
        lock.unlock()
        return ProcessResult(
            pid: pid,
            termination: termination,
            stdout: streams[0].buffer.finish(),
            stderr: streams[1].buffer.finish(),
            timedOut: reason == .timeout,
            cancelled: reason == .cancelled,
            outputAbandoned: abandoned,
            durationMillis: Double(LinuxCalls.monotonicNanos() - startedAt) / 1_000_000,
            killedEscapees: escapees
        )
    }

    private func drainWakePipe(_ chunk: UnsafeMutableRawBufferPointer) {
        while read(wakeRead, chunk.baseAddress, chunk.count) > 0 {}
    }

    /// Reaps the (already exited) shell; holding the lock keeps any `kill(-pid)` from racing the pid's reuse.
    private func reap() -> Termination {
        lock.lock()
        defer { lock.unlock() }
        var status: Int32 = 0
        var rc: pid_t
        repeat { rc = waitpid(pid, &status, 0) } while rc < 0 && errno == EINTR
        reaped = true
        ChildReaper.shared.release(pid)
        return rc == pid ? Termination(waitStatus: status) : .unknown
    }
}
