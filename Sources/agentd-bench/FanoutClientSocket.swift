import Glibc

/// One blocking Unix-socket connection of the fan-out client process, read when `poll` says it is readable;
/// splits what arrives into lines.
final class FanoutClientSocket {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let fd: Int32
    /// Bytes of a line not yet terminated by `\n`.
    private var partial: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 256 * 1024)

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw Failure(description: "socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure(description: "connect \(path): errno \(errno)")
        }
    }

    deinit { close(fd) }

    /// Writes `text` completely (requests are small; the socket is blocking).
    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw Failure(description: "write: errno \(errno)") }
            sent += written
        }
    }

    /// Reads once and hands every complete line to `body` (without its `\n`).
    ///
    /// - Returns: false at end of stream.
    func readLines(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { return true }
        guard count >= 0 else { throw Failure(description: "read: errno \(errno)") }
        if count == 0 { return false }
        try chunk.withUnsafeBytes { raw in
            let received = UnsafeRawBufferPointer(rebasing: raw[0..<count])
            var start = 0
            while start < count, let hit = memchr(raw.baseAddress! + start, 0x0A, count - start) {
                let newline = raw.baseAddress!.distance(to: UnsafeRawPointer(hit))
                if partial.isEmpty {
                    try body(UnsafeRawBufferPointer(rebasing: received[start..<newline]))
                } else {
                    partial.append(contentsOf: received[start..<newline])
                    try partial.withUnsafeBytes { try body($0) }
                    partial.removeAll(keepingCapacity: true)
                }
                start = newline + 1
            }
            partial.append(contentsOf: received[start...])
        }
        return true
    }
}
