import Foundation
import Synchronization

import Glibc

/// Reads from stdin on its own thread, until the input or ``cancel()``: one key from the terminal (no Enter
/// needed), or one line (`agentctl chat`'s prompt; from a terminal or a pipe).
///
/// For a key the terminal is put in non-canonical, no-echo mode only while the read is pending and restored after
/// it; a line is read as the terminal gives it (edited and echoed by the terminal itself).
final class KeyReader: Sendable {
    /// What ``readLine()`` got.
    enum Line: Equatable {
        /// A line, without its newline.
        case text(String)
        /// Stdin closed: Ctrl-D at the start of a line, or the end of piped input.
        case end
        /// ``cancel()`` stopped the read.
        case cancelled
    }

    private let cancelled = Mutex(false)

    /// Whether stdin is a terminal a person can answer on.
    static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    /// Stops a pending ``read()`` or ``readLine()``, which then returns `nil` or ``Line/cancelled``.
    func cancel() {
        cancelled.withLock { $0 = true }
    }

    /// The next key typed, or `nil` when cancelled or stdin closed.
    func read() async -> UInt8? {
        await onThread { self.readKeyBlocking() }
    }

    /// The next line of stdin.
    func readLine() async -> Line {
        await onThread { self.readLineBlocking() }
    }

    private func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            // A blocking read must not occupy one of the cooperative pool's few threads.
            let thread = Thread { continuation.resume(returning: body()) }
            thread.start()
        }
    }

    private func readKeyBlocking() -> UInt8? {
        var saved = termios()
        let isTerminal = tcgetattr(STDIN_FILENO, &saved) == 0
        if isTerminal {
            var raw = saved
            raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
            tcsetattr(STDIN_FILENO, TCSANOW, &raw)
        }
        defer { if isTerminal { tcsetattr(STDIN_FILENO, TCSANOW, &saved) } }
        guard waitForInput() else { return nil }
        var byte: UInt8 = 0
        return Glibc.read(STDIN_FILENO, &byte, 1) == 1 ? byte : nil
    }

    private func readLineBlocking() -> Line {
        var bytes: [UInt8] = []
        while true {
            guard waitForInput() else { return .cancelled }
            // One byte at a time: what follows the newline stays in stdin for the next read (a key or a line).
            var byte: UInt8 = 0
            let count = Glibc.read(STDIN_FILENO, &byte, 1)
            if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            guard count == 1 else { return bytes.isEmpty ? .end : .text(String(decoding: bytes, as: UTF8.self)) }
            if byte == UInt8(ascii: "\n") { return .text(String(decoding: bytes, as: UTF8.self)) }
            bytes.append(byte)
        }
    }

    /// Waits until stdin has something to read (or closed): true, or false when cancelled.
    private func waitForInput() -> Bool {
        while !cancelled.withLock({ $0 }) {
            var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            // Wake every 100 ms to notice a cancel.
            let ready = poll(&descriptor, 1, 100)
            // Checked again: a cancelled line read must not take the key another reader (an approval prompt)
            // waits for, once that reader's raw mode makes the key readable.
            if ready > 0 { return !cancelled.withLock { $0 } }
        }
        return false
    }
}
