import Glibc

/// GNU extensions the Swift `Glibc` module does not import, resolved once from the running libc with `dlsym`.
///
/// `pipe2` sits behind `_GNU_SOURCE` in the headers, so Swift cannot see it; it is present in every glibc this
/// daemon supports (2.34+, Debian 12 ships 2.36).
enum LinuxCalls {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32

    nonisolated(unsafe) private static let handle = dlopen(nil, RTLD_NOW)

    static let pipe2: Pipe2? = symbol("pipe2")

    private static func symbol<F>(_ name: String) -> F? {
        guard let pointer = dlsym(handle, name) else { return nil }
        return unsafeBitCast(pointer, to: F.self)
    }

    /// Creates a close-on-exec pipe (non-blocking when asked), returning `(read, write)` or the errno.
    static func makePipe(nonBlocking: Bool = false) -> Result<(read: Int32, write: Int32), ErrnoFailure> {
        var fds: [Int32] = [-1, -1]
        let flags = O_CLOEXEC | (nonBlocking ? O_NONBLOCK : 0)
        let rc: Int32
        if let pipe2 {
            rc = pipe2(&fds, flags)
        } else {
            // Fallback without atomic O_CLOEXEC: a concurrent spawn on another thread could inherit the fds.
            rc = pipe(&fds)
            if rc == 0 {
                for fd in fds {
                    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                    if nonBlocking { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
                }
            }
        }
        guard rc == 0 else { return .failure(ErrnoFailure(errno: errno, call: "pipe2")) }
        return .success((fds[0], fds[1]))
    }

    /// Monotonic time in nanoseconds.
    static func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}

/// A failed system call: the call's name and its errno.
struct ErrnoFailure: Error, Hashable, Sendable {
    var errno: Int32
    var call: String

    var message: String { "\(call): \(String(cString: strerror(errno)))" }
}

extension Duration {
    /// The duration in whole nanoseconds, clamped at zero.
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }

    /// The duration in milliseconds as a floating-point number.
    var millis: Double { Double(nanoseconds) / 1_000_000 }
}
