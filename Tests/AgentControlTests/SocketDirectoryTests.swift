import AgentControl
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The control server refuses a socket directory another user could use to swap the socket (issue 14 item 5), and
/// binds its socket 0600 from the start.
@Suite("Socket directory refusal")
struct SocketDirectoryTests {
    private func startError(_ socketPath: String) async -> ControlServerError? {
        let server = ControlServer(socketPath: socketPath, backend: FakeBackend())
        do {
            try await server.start()
            server.shutdown()
            return nil
        } catch {
            return error as? ControlServerError
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root to give a directory to another uid"))
    func aWorldWritableDirectoryOwnedByAnotherUIDIsRefused() async throws {
        let root = TestServer.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let directory = root + "/agentd-1000"
        #expect(mkdir(directory, 0o777) == 0 && chmod(directory, 0o777) == 0 && chown(directory, 65534, 65534) == 0)
        let error = await startError(directory + "/agentd.sock")
        #expect(error?.code == .socketDirectory)
        #expect(error?.message.contains("\(directory) is owned by uid 65534") == true, "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: directory + "/agentd.sock"))
    }

    @Test func aDirectoryWritableByOthersIsRefusedEvenWhenItIsOurs() async throws {
        let directory = TestServer.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(chmod(directory, 0o1777) == 0)
        let error = await startError(directory + "/agentd.sock")
        #expect(error?.code == .socketDirectory)
        #expect(error?.message.contains("writable by group or others (mode 1777)") == true, "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: directory + "/agentd.sock"))
    }

    @Test func aSymlinkedDirectoryIsRefusedNotFollowed() async throws {
        let root = TestServer.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(mkdir(root + "/elsewhere", 0o700) == 0)
        #expect(symlink(root + "/elsewhere", root + "/link") == 0)
        let error = await startError(root + "/link/agentd.sock")
        #expect(error?.code == .socketDirectory)
        #expect(error?.message.contains("\(root)/link is a symbolic link") == true, "\(String(describing: error))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/elsewhere").isEmpty)
    }

    @Test func aMissingDirectoryIsCreatedPrivate() async throws {
        try await TestServer.with(socketName: "x/y/s.sock") { server in
            var info = stat()
            #expect(lstat(server.directory + "/x/y", &info) == 0 && info.st_mode & 0o777 == 0o700)
            #expect(lstat(server.socketPath, &info) == 0 && info.st_mode & 0o777 == 0o600)
        }
    }
}
