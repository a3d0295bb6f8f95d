import AgentClient
import AgentControl
import AgentModel
import AgentProtocol
import Foundation
import TestSupport

import Glibc

/// A control server on a real Unix socket in a fresh, short temp directory, with a fake backend.
struct TestServer: Sendable {
    let directory: String
    let socketPath: String
    let server: ControlServer
    let backend: FakeBackend
    let runTask: Task<Void, any Error>

    /// Starts a server, runs `body`, then shuts the server down and removes the directory.
    static func with<T: Sendable>(
        configuration: ControlConfiguration = ControlConfiguration(), socketName: String = "s.sock",
        backend: FakeBackend = FakeBackend(), _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socketPath = directory + "/" + socketName
        let server = ControlServer(socketPath: socketPath, backend: backend, configuration: configuration)
        try await server.start()
        let runTask = Task { try await server.run() }
        let test = TestServer(
            directory: directory, socketPath: socketPath, server: server, backend: backend, runTask: runTask)
        do {
            let result = try await body(test)
            try await test.stop()
            return result
        } catch {
            try? await test.stop()
            throw error
        }
    }

    /// Cancels `run()` (a graceful shutdown) and waits for it to return.
    func stop() async throws {
        runTask.cancel()
        let task = runTask
        try await withTimeout(.seconds(10), "server shutdown") { try await task.value }
    }

    /// A connected, initialised client.
    func client(name: String = "test") async throws -> ControlClient {
        let client = try await ControlClient.connect(socketPath: socketPath)
        try await client.initialize(clientName: name, version: "1.0")
        return client
    }

    /// A raw connection that has completed the handshake (its response already read).
    func rawClient() async throws -> RawSocket {
        let raw = try RawSocket(path: socketPath)
        try raw.send(
            #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocol_version":"1.0","client":{"name":"raw","version":"1"}}}"#
        )
        _ = try await raw.readJSON()
        return raw
    }

    static func makeTemporaryDirectory() -> String {
        var template = Array("/tmp/agentd-test-XXXXXX".utf8CString)
        let result = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(result != nil, "mkdtemp failed")
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // mkdtemp applies the umask, which a server binding in a concurrent test holds at 0177 for a moment.
        chmod(path, 0o700)
        return path
    }
}

/// Collects a subscription's items until its end marker.
func collect(_ events: AsyncThrowingStream<AttachItem, any Error>) async throws -> [AttachItem] {
    var items: [AttachItem] = []
    for try await item in events { items.append(item) }
    return items
}

extension AttachItem {
    var seq: Int64? {
        if case .event(let event) = self { return event.seq }
        return nil
    }
}
