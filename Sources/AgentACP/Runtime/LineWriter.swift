import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes lines to a file descriptor (the editor's end of stdout) on a thread of its own, so an editor that
/// stops reading blocks only this thread, never the tasks following runs.
///
/// The queue is bounded in bytes: when the editor has not taken `limit` bytes, `onOverflow` runs once (the
/// command exits: an editor that does not read is gone, and the runs go on in agentd without it).
final class LineWriter: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [Data] = []
    private var queuedBytes = 0
    private var finishing = false
    private var done = false
    private var overflowed = false
    private let fd: Int32
    private let limit: Int
    private let onOverflow: @Sendable (Int) -> Void
    private let onClosed: @Sendable () -> Void

    /// - Parameters:
    ///   - onOverflow: called (once, on the sending thread) with the queued byte count when it exceeds `limit`.
    ///   - onClosed: called when the reader of `fd` is gone (EPIPE).
    init(fd: Int32, limit: Int, onOverflow: @escaping @Sendable (Int) -> Void, onClosed: @escaping @Sendable () -> Void) {
        self.fd = fd
        self.limit = limit
        self.onOverflow = onOverflow
        self.onClosed = onClosed
        let thread = Thread { [self] in loop() }
        thread.name = "acp-stdout"
        thread.start()
    }

    /// Queues `line` (a newline is appended).
    func send(_ line: Data) {
        var data = line
        data.append(UInt8(ascii: "\n"))
        condition.lock()
        if done {
            condition.unlock()
            return
        }
        queue.append(data)
        queuedBytes += data.count
        let overflow = queuedBytes > limit && !overflowed
        if overflow { overflowed = true }
        let bytes = queuedBytes
        condition.signal()
        condition.unlock()
        if overflow { onOverflow(bytes) }
    }

    /// Bytes queued and not yet written.
    var pendingBytes: Int {
        condition.lock()
        defer { condition.unlock() }
        return queuedBytes
    }

    /// Writes what is queued, then stops (returns at once if the reader is gone).
    func finish() {
        condition.lock()
        finishing = true
        condition.broadcast()
        while !done { condition.wait() }
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while queue.isEmpty && !finishing { condition.wait() }
            if queue.isEmpty {
                done = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = queue
            queue = []
            condition.unlock()
            var written = 0
            for data in batch {
                guard writeAll(data) else {
                    condition.lock()
                    done = true
                    queue = []
                    queuedBytes = 0
                    condition.broadcast()
                    condition.unlock()
                    onClosed()
                    return
                }
                written += data.count
            }
            condition.lock()
            queuedBytes -= written
            condition.unlock()
        }
    }

    private func writeAll(_ data: Data) -> Bool {
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
    }
}

/// `write(2)`, named apart from the writer's own methods.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}
