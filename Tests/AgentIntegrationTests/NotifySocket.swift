import Foundation
import Synchronization

/// A datagram socket standing in for systemd's `$NOTIFY_SOCKET`: collects every notification agentd sends.
final class NotifySocket: Sendable {
    let path: String
    private let fd: Int32
    private let messages = Mutex<[String]>([])
    private let waiters = Mutex<[CheckedContinuation<Void, Never>]>([])

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw HarnessError("bind(\(path)) failed: errno \(errno)") }
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(fd, &buffer, buffer.count, 0)
                if count <= 0 { break }
                let text = String(decoding: buffer[0..<count], as: UTF8.self)
                messages.withLock { $0.append(text) }
                let waiting = waiters.withLock { list in
                    defer { list.removeAll() }
                    return list
                }
                for waiter in waiting { waiter.resume() }
            }
        }
        thread.start()
    }

    var received: [String] { messages.withLock { $0 } }

    /// Waits until a notification contains `line` (e.g. `READY=1`), failing after `timeout`.
    func waitFor(_ line: String, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        let timer = Task {
            try await Task.sleep(for: timeout)
            let waiting = waiters.withLock { list in
                defer { list.removeAll() }
                return list
            }
            for waiter in waiting { waiter.resume() }
        }
        defer { timer.cancel() }
        while !received.contains(where: { $0.split(separator: "\n").contains(Substring(line)) }) {
            guard ContinuousClock.now < deadline else { throw HarnessError("no \(line) within \(timeout): \(received)") }
            await withCheckedContinuation { continuation in
                waiters.withLock { $0.append(continuation) }
            }
        }
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        unlink(path)
    }
}
