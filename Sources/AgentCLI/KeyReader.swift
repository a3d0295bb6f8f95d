import Foundation
import Synchronization

import Glibc

/// Reads one key from the terminal on stdin (no Enter needed), on its own thread, until a key or ``cancel()``.
///
/// The terminal is put in non-canonical, no-echo mode only while a read is pending and restored after it.
final class KeyReader: Sendable {
    private let cancelled = Mutex(false)

    /// Whether stdin is a terminal a person can answer on.
    static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    /// Stops a pending ``read()``, which then returns `nil`.
    func cancel() {
        cancelled.withLock { $0 = true }
    }

    /// The next key typed, or `nil` when cancelled or stdin closed.
    func read() async -> UInt8? {
        await withCheckedContinuation { continuation in
            // A blocking read must not occupy one of the cooperative pool's few threads.
            let thread = Thread { continuation.resume(returning: self.readBlocking()) }
            thread.start()
        }
    }

    private func readBlocking() -> UInt8? {
        var saved = termios()
        let isTerminal = tcgetattr(STDIN_FILENO, &saved) == 0
        if isTerminal {
            var raw = saved
            raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
            tcsetattr(STDIN_FILENO, TCSANOW, &raw)
        }
        defer { if isTerminal { tcsetattr(STDIN_FILENO, TCSANOW, &saved) } }
        while !cancelled.withLock({ $0 }) {
            var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            // Wake every 100 ms to notice a cancel.
            let ready = poll(&descriptor, 1, 100)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            var byte: UInt8 = 0
            return Glibc.read(STDIN_FILENO, &byte, 1) == 1 ? byte : nil
        }
        return nil
    }
}
