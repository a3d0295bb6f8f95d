import AgentControl
import AgentModel
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Answers to a client that never reads cannot pile up in the daemon, and a connection that never says
/// `initialize` does not hold a slot forever (issue 14 item 9).
@Suite("Response backpressure and the initialize timeout")
struct ResponseBackpressureTests {
    static let request = #"{"jsonrpc":"2.0","id":7,"method":"daemon/status","params":{}}"# + "\n"

    @Test func aClientThatDoesNotReadStopsBeingReadAndLosesNothing() async throws {
        var configuration = ControlConfiguration()
        configuration.maxUnsentResponseBytes = 16 << 10
        try await TestServer.with(configuration: configuration) { server in
            let raw = try await server.rawClient()
            let count = 60_000
            let payload = Array(String(repeating: Self.request, count: count).utf8)
            // A server that keeps reading takes all of it; one that stopped reading leaves the sender blocked,
            // which the send timeout turns into an answer (the timeout measures, it does not synchronise).
            let unread = await Self.onThread { Self.send(payload, on: raw.fd, giveUpAfterBlockedSeconds: 2) }
            let read = payload.count - unread
            #expect(read < payload.count / 3, "the server read \(read) of \(payload.count) bytes")

            // Once the client reads, the server reads the rest: every request gets its answer.
            async let rest = Self.onThread { Self.send(Array(payload[(payload.count - unread)...]), on: raw.fd) }
            var answers = 0
            while answers < count, let line = try await raw.readLine(timeout: 30) {
                if line.contains(#""id":7"#) { answers += 1 }
            }
            #expect(await rest == 0)
            #expect(answers == count)
        }
    }

    @Test func aConnectionThatNeverInitializesIsClosedAfterTheTimeout() async throws {
        var configuration = ControlConfiguration()
        configuration.initializeTimeout = .milliseconds(300)
        try await TestServer.with(configuration: configuration) { server in
            let initialized = try await server.rawClient()
            let idle = try RawSocket(path: server.socketPath)
            let reply = try await idle.readJSON()
            #expect(reply?["error"]?["code"] == .number(-32600))
            #expect(reply?["error"]?["message"]?.stringValue?.contains("no initialize within 300 ms") == true)
            #expect(try await idle.readLine() == nil)
            // Opened first, so its deadline passed too: a connection that initialized is kept.
            try initialized.send(String(Self.request.dropLast()))
            #expect(try await initialized.readJSON()?["result"] != nil)
        }
    }

    /// Writes `bytes`; returns how many were left unwritten when a send stayed blocked for the given time (all
    /// written: 0). Without a limit it blocks until everything is written.
    static func send(_ bytes: [UInt8], on fd: Int32, giveUpAfterBlockedSeconds seconds: Int? = nil) -> Int {
        var timeout = timeval(tv_sec: seconds ?? 0, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                offset += written
            } else if errno != EINTR {
                break
            }
        }
        return bytes.count - offset
    }

    /// Runs blocking socket work on a thread of its own, off the cooperative pool.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }
}
