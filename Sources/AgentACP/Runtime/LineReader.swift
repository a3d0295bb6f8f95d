import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One line from the editor, or the note that a line was longer than the limit (and was skipped).
enum InputLine: Sendable {
    case line(Data)
    case tooLong(bytes: Int)
}

/// Reads newline-delimited lines from a file descriptor (the editor's end of stdin) on a thread of its own.
enum LineReader {
    /// The lines of `fd` until end of input; a line over `maxLineBytes` is skipped up to its newline (the
    /// stream resynchronises there: unlike a socket read in frames, a byte stream always has the next boundary).
    static func lines(fd: Int32, maxLineBytes: Int) -> AsyncStream<InputLine> {
        let (stream, continuation) = AsyncStream<InputLine>.makeStream()
        let thread = Thread {
            var pending = Data()
            var skipping = 0  // > 0: bytes of an oversized line skipped so far
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                var start = 0
                for index in 0..<n where buffer[index] == UInt8(ascii: "\n") {
                    if skipping > 0 {
                        continuation.yield(.tooLong(bytes: skipping + index - start))
                        skipping = 0
                    } else if pending.count + index - start > maxLineBytes {
                        // The whole line came in this read: the limit holds wherever the reads split it.
                        continuation.yield(.tooLong(bytes: pending.count + index - start))
                        pending = Data()
                    } else {
                        pending.append(contentsOf: buffer[start..<index])
                        var line = pending
                        if line.last == UInt8(ascii: "\r") { line.removeLast() }
                        if !line.isEmpty { continuation.yield(.line(line)) }
                        pending = Data()
                    }
                    start = index + 1
                }
                if skipping > 0 {
                    skipping += n - start
                } else {
                    pending.append(contentsOf: buffer[start..<n])
                    if pending.count > maxLineBytes {
                        skipping = pending.count
                        pending = Data()
                    }
                }
            }
            continuation.finish()
        }
        thread.name = "acp-stdin"
        thread.start()
        return stream
    }
}
