import AgentModel
import Foundation
import TestSupport

import Glibc

/// A plain blocking Unix-socket client speaking raw lines, for tests that need to misbehave (bad JSON, huge
/// lines, never reading). Blocking reads run on Dispatch threads, never on the cooperative pool.
final class RawSocket: @unchecked Sendable {
    let fd: Int32
    private var buffer: [UInt8] = []
    private let lock = NSLock()

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = Self.address(path)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
    }

    deinit { Glibc.close(fd) }

    static func address(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() where index < raw.count - 1 { raw[index] = byte }
        }
        return address
    }

    /// Binds a listening socket at `path` and closes it without unlinking: a stale socket file.
    static func makeStaleSocketFile(at path: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = address(path)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        listen(fd, 1)
        Glibc.close(fd)
        guard result == 0 else { throw POSIXError(.EADDRINUSE) }
    }

    /// Writes `text` (a newline is appended) completely.
    func send(_ text: String) throws {
        var bytes = Array(text.utf8)
        bytes.append(UInt8(ascii: "\n"))
        try sendRaw(bytes)
    }

    func sendRaw(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            offset += written
        }
    }

    /// The next line, or `nil` at end of stream.
    func readLine(timeout: Double = 10) async throws -> String? {
        try await withCheckedThrowingContinuation { continuation in
            // A thread of its own: blocking reads on Dispatch's global pool (as many threads as cores) starve
            // every other test that waits on a socket at the same time.
            Thread {
                continuation.resume(with: Result { try self.blockingReadLine(timeout: timeout) })
            }.start()
        }
    }

    /// The next line parsed as a JSON object.
    func readJSON(timeout: Double = 10) async throws -> JSONValue? {
        guard let line = try await readLine(timeout: timeout) else { return nil }
        return try JSONCoding.decode(JSONValue.self, from: line)
    }

    private func blockingReadLine(timeout: Double) throws -> String? {
        lock.lock()
        defer { lock.unlock() }
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw TestTimeout(what: "a line from the server") }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining, 1) * 1000))
            if ready <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 {
                return buffer.isEmpty
                    ? nil
                    : {
                        defer { buffer.removeAll() }; return String(decoding: buffer, as: UTF8.self)
                    }()
            }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                if errno == ECONNRESET { return nil }
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            buffer.append(contentsOf: chunk[..<count])
        }
    }
}
