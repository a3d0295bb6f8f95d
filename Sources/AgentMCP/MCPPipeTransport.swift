import Foundation
import Glibc
import Logging
import MCP

/// An MCP transport over a child's stdout (read) and stdin (write), or a server's stdin and stdout:
/// newline-delimited JSON-RPC, as the MCP stdio transport specifies.
///
/// The SDK's `StdioTransport` polls a non-blocking descriptor with 10 ms sleeps; this one reads on a dedicated
/// thread with blocking `read`, so a reply is seen as soon as it is written and EOF (the server exited) ends the
/// stream at once. The reader thread owns and closes the read descriptor; the owner closes the write descriptor.
public actor MCPPipeTransport: Transport {
    /// Where the transport logs.
    public nonisolated let logger: Logger
    private let readFD: Int32
    private let writeFD: Int32
    private let stream: AsyncThrowingStream<Data, Swift.Error>
    private let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation
    private var started = false

    /// Creates a transport reading `readFD` and writing `writeFD` (a server passes 0 and 1).
    public init(readFD: Int32, writeFD: Int32, logger: Logger) {
        self.readFD = readFD
        self.writeFD = writeFD
        self.logger = logger
        (stream, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
    }

    public func connect() async throws {
        guard !started else { return }
        started = true
        let fd = readFD
        let continuation = continuation
        let thread = Thread { Self.readLoop(fd: fd, continuation: continuation) }
        thread.name = "mcp-reader"
        thread.start()
    }

    public func disconnect() async {
        continuation.finish()
    }

    public func send(_ data: Data) async throws {
        var bytes = [UInt8](data)
        bytes.append(UInt8(ascii: "\n"))
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(writeFD, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw MCPError.connectionClosed
            }
            offset += written
        }
    }

    public func receive() -> AsyncThrowingStream<Data, Swift.Error> { stream }

    /// Reads lines until EOF or an error, yielding each non-empty line; then closes `fd` and ends the stream.
    private static func readLoop(
        fd: Int32, continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation
    ) {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var pending: [UInt8] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            pending.append(contentsOf: buffer[..<count])
            var start = 0
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                if newline > start { continuation.yield(Data(pending[start..<newline])) }
                start = newline + 1
            }
            pending.removeFirst(start)
        }
        close(fd)
        continuation.finish()
    }
}
