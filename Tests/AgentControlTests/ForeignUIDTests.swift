import AgentModel
import Foundation
import Testing

import Glibc

/// A client that really runs as another uid (a child process switched to `nobody` with `setpriv`) is refused:
/// first by the socket directory's 0700 mode, and, with the file modes opened on purpose, by the SO_PEERCRED check.
@Suite(.enabled(if: UIDSwitch.available, "needs root and setpriv to run a client as another uid"))
struct ForeignUIDTests {
    static let nobody: UInt32 = 65534
    static let setpriv = UIDSwitch.setpriv
    static let python = UIDSwitch.python

    /// Connects as uid 65534, sends `initialize`, and returns what it printed: `connect-error ERRNO` or every byte
    /// the server sent until it closed the connection.
    private func connectAsNobody(_ socketPath: String) async throws -> String {
        let script = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX)
            try:
                s.connect(sys.argv[1])
            except OSError as e:
                print("connect-error", e.errno); sys.exit(0)
            try:
                s.sendall(b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocol_version":"1.0","client":{"name":"nobody","version":"1"}}}\\n')
            except OSError:
                pass  # the daemon may refuse and close before the request is written: its answer is still there to read
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk: break
                data += chunk
            sys.stdout.write(data.decode())
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.setpriv)
        process.arguments = [
            "--reuid=\(Self.nobody)", "--regid=\(Self.nobody)", "--clear-groups", Self.python, "-c", script, socketPath,
        ]
        let output = Pipe()
        process.standardOutput = output
        let exited = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { exited.continuation.yield($0.terminationStatus) }
        try process.run()
        var statuses = exited.stream.makeAsyncIterator()
        let status = await statuses.next()
        #expect(status == 0)
        return String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    @Test func anotherUIDCannotEvenReachTheSocketInItsPrivateDirectory() async throws {
        try await TestServer.with { server in
            let printed = try await connectAsNobody(server.socketPath)
            #expect(printed == "connect-error \(EACCES)\n")
        }
    }

    @Test func anotherUIDThatReachesTheSocketIsRefusedByItsPeerCredentials() async throws {
        try await TestServer.with { server in
            // Open the modes on purpose so only the SO_PEERCRED check stands between uid 65534 and the daemon.
            #expect(chmod(server.directory, 0o711) == 0)
            #expect(chmod(server.socketPath, 0o666) == 0)
            let printed = try await connectAsNobody(server.socketPath)
            let lines = printed.split(separator: "\n")
            #expect(lines.count == 1)
            let reply = try JSONValue.parse(String(lines.first ?? ""))
            #expect(reply["error"]?["code"] == .number(-32006))
            let message = reply["error"]?["message"]?.stringValue ?? ""
            #expect(message.contains("uid \(Self.nobody)"))
            // The daemon's own users are still served.
            let client = try await server.client(name: "owner")
            await client.close()
        }
    }
}

/// Whether this test process can start a child as another uid.
enum UIDSwitch {
    static let setpriv = "/usr/bin/setpriv"
    static let python = "/usr/bin/python3"
    static var available: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: setpriv)
            && FileManager.default.isExecutableFile(atPath: python)
    }
}
