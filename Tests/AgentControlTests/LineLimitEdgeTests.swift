import AgentControl
import AgentModel
import Foundation
import Testing

/// The line limit at its edge, with the default 1 MiB: a line of exactly the limit is served, one byte more is
/// refused with `-32005` and the connection is closed, whether the line arrives whole or far over the limit.
@Suite(.timeLimit(.minutes(1)))
struct LineLimitEdgeTests {
    static let limit = ControlConfiguration().maxLineBytes

    /// A `daemon/status` request padded with JSON whitespace to exactly `length` bytes (newline not counted).
    static func statusRequest(id: Int, length: Int) -> String {
        let head = #"{"jsonrpc":"2.0","id":\#(id),"method":"daemon/status","params":{}"#
        return head + String(repeating: " ", count: length - head.utf8.count - 1) + "}"
    }

    @Test func aLineOfExactlyTheLimitIsServed() async throws {
        try await TestServer.with { server in
            let raw = try await server.rawClient()
            let line = Self.statusRequest(id: 9, length: Self.limit)
            #expect(line.utf8.count == Self.limit)
            try await sendOnThread(raw, line)
            let reply = try await raw.readJSON()
            let socketPath = reply?["result"]?["socket_path"]?.stringValue
            #expect(reply?["id"] == 9)
            #expect(socketPath == server.socketPath)
            try raw.send(#"{"jsonrpc":"2.0","id":10,"method":"daemon/status","params":{}}"#)
            let next = try await raw.readJSON()
            #expect(next?["id"] == 10)
        }
    }

    @Test(arguments: [1, 64 * 1024])
    func aLineOverTheLimitIsRefusedAndTheConnectionCloses(excess: Int) async throws {
        try await TestServer.with { server in
            let raw = try await server.rawClient()
            let line = Self.statusRequest(id: 11, length: Self.limit + excess)
            #expect(line.utf8.count == Self.limit + excess)
            // The server may close before it has read everything: a failed send is expected then.
            try? await sendOnThread(raw, line)
            let reply = try await raw.readJSON()
            let code = reply?["error"]?["code"]
            let limitData = reply?["error"]?["data"]?["limit"]
            #expect(code == .number(-32005))
            #expect(reply?["id"] == .null)
            #expect(limitData == .number(Double(Self.limit)))
            let afterwards = try await raw.readLine()
            #expect(afterwards == nil)
            // Everyone else is still served.
            let other = try await server.rawClient()
            try other.send(#"{"jsonrpc":"2.0","id":12,"method":"daemon/status","params":{}}"#)
            let status = try await other.readJSON()
            #expect(status?["id"] == 12)
        }
    }

    /// Writes a megabyte-sized line from a thread of its own, so a blocking send never holds a pool thread.
    private func sendOnThread(_ raw: RawSocket, _ line: String) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread { continuation.resume(with: Result { try raw.send(line) }) }.start()
        }
    }
}
