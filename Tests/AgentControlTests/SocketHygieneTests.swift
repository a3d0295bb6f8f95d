import AgentClient
import AgentModel
import AgentProtocol
import Foundation
import Testing
import TestSupport

@testable import AgentControl

import Glibc

@Suite("Socket hygiene and peer credentials")
struct SocketHygieneTests {
    private func mode(_ path: String) -> mode_t {
        var info = stat()
        precondition(stat(path, &info) == 0, "stat \(path)")
        return info.st_mode & 0o777
    }

    @Test func socketIsOwnerOnlyAndAMissingDirectoryIsCreatedPrivate() async throws {
        try await TestServer.with(socketName: "run/s.sock") { server in
            #expect(mode(server.socketPath) == 0o600)
            #expect(mode(server.directory + "/run") == 0o700)
        }
    }

    /// Servers of one process binding at overlapping times (every test binary, a daemon with several sockets): the
    /// one that finishes first must not restore the umask under the other's bind (its socket would be born 0755).
    @Test func overlappingBindsKeepThePrivateUmaskUntilTheLastEnds() async throws {
        let (firstEntered, enteredFirst) = AsyncStream.makeStream(of: Void.self)
        let (secondEntered, enteredSecond) = AsyncStream.makeStream(of: Void.self)
        let (firstLeft, leftFirst) = AsyncStream.makeStream(of: Void.self)
        let first = Task {
            try await SocketPreparation.withPrivateUmask {
                enteredFirst.yield()
                for await _ in secondEntered { break }
            }
            leftFirst.yield()
        }
        for await _ in firstEntered { break }
        let umaskInSecond = try await SocketPreparation.withPrivateUmask {
            enteredSecond.yield()
            try await first.value
            for await _ in firstLeft { break }
            let current = umask(0o177)
            umask(current)
            return current
        }
        #expect(umaskInSecond == 0o177)
    }

    @Test func aSecondServerRefusesWhileTheFirstListens() async throws {
        try await TestServer.with { server in
            let second = ControlServer(socketPath: server.socketPath, backend: FakeBackend())
            await #expect {
                try await second.start()
            } throws: { error in
                guard let error = error as? ControlServerError else { return false }
                return error.code == .alreadyRunning && error.message.contains(server.socketPath)
            }
            // The first one still answers.
            let client = try await server.client()
            _ = try await client.call(DaemonStatus.self, EmptyObject())
            await client.close()
        }
    }

    @Test func aStaleSocketFileIsReplaced() async throws {
        let directory = TestServer.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/s.sock"
        try RawSocket.makeStaleSocketFile(at: path)
        #expect(FileManager.default.fileExists(atPath: path))
        let server = ControlServer(socketPath: path, backend: FakeBackend())
        try await server.start()
        let run = Task { try await server.run() }
        let client = try await ControlClient.connect(socketPath: path)
        try await client.initialize(clientName: "t", version: "1")
        await client.close()
        run.cancel()
        try await withTimeout(.seconds(10), "shutdown") { try await run.value }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aFileThatIsNotASocketIsNeverRemoved() async throws {
        let directory = TestServer.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/s.sock"
        _ = FileManager.default.createFile(atPath: path, contents: Data("keep".utf8))
        let server = ControlServer(socketPath: path, backend: FakeBackend())
        await #expect {
            try await server.start()
        } throws: { error in
            (error as? ControlServerError)?.code == .invalidSocketPath
        }
        #expect(FileManager.default.contents(atPath: path) == Data("keep".utf8))
    }

    @Test func aForeignUIDIsRefusedWithOneErrorLine() async throws {
        var configuration = ControlConfiguration()
        configuration.peerCredentials = { _ in PeerCredentials(pid: 1, uid: 4242, gid: 4242) }
        try await TestServer.with(configuration: configuration) { server in
            let raw = try RawSocket(path: server.socketPath)
            let reply = try await raw.readJSON()
            #expect(reply?["error"]?["code"] == .number(-32006))
            let message = reply?["error"]?["message"]?.stringValue ?? ""
            #expect(message.contains("uid 4242") && message.contains("runs as uid \(getuid())"))
            #expect(try await raw.readLine() == nil)

            let client = try await ControlClient.connect(socketPath: server.socketPath)
            await #expect {
                try await client.initialize(clientName: "t", version: "1")
            } throws: { error in
                (error as? ControlError)?.code == .permissionDenied
            }
        }
    }

    @Test func theKernelReportedPeerIsRecordedWithEveryCommand() async throws {
        try await TestServer.with { server in
            let client = try await server.client(name: "recorder")
            _ = try await client.call(RunList.self, .init(limit: 2))
            await client.close()
            let listed = server.backend.commands.first { $0.method == RunList.name }
            #expect(listed?.clientName == "recorder")
            #expect(listed?.peerUID == UInt32(getuid()))
            #expect(listed?.peerPID == getpid())
            #expect(listed?.params == #"{"limit":2}"#)
            #expect(server.backend.commands.contains { $0.method == Initialize.name })
        }
    }

    @Test func connectingWithoutADaemonSaysItIsNotRunning() async throws {
        let directory = TestServer.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/s.sock"
        await #expect {
            _ = try await ControlClient.connect(socketPath: path)
        } throws: { error in
            guard let error = error as? ControlClientError else { return false }
            return error.code == .notRunning && error.message == "agentd is not running (no socket at \(path))"
        }
        try RawSocket.makeStaleSocketFile(at: path)
        await #expect {
            _ = try await ControlClient.connect(socketPath: path)
        } throws: { error in
            (error as? ControlClientError)?.code == .notRunning
        }
    }
}
