import Foundation
import Testing

@testable import AgentACP

#if canImport(Glibc)
    import Glibc
#endif

@Suite("LineReader")
struct LineReaderTests {
    @Test func aLineOverTheLimitIsSkippedAndReadingGoesOnAtTheNextLine() async throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        let lines = LineReader.lines(fd: readEnd, maxLineBytes: 10)
        let input = "first\r\n" + String(repeating: "x", count: 25) + "\n\nsecond\nlast-without-newline"
        // A writer thread: the pipe's buffer is small, the reader drains it.
        let writer = Thread {
            let bytes = Array(input.utf8)
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { write(writeEnd, $0.baseAddress!, $0.count) }
                if n <= 0 { break }
                offset += n
            }
            close(writeEnd)
        }
        writer.start()
        var seen: [String] = []
        for await line in lines {
            switch line {
            case .line(let data): seen.append("line " + String(decoding: data, as: UTF8.self))
            case .tooLong(let bytes): seen.append("too long \(bytes)")
            }
        }
        close(readEnd)
        // The last line has no newline: a peer that closes mid-line sent no complete message.
        #expect(seen == ["line first", "too long 25", "line second"])
    }
}
