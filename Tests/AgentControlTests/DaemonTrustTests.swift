import AgentClient
import AgentControl
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// agentctl (through ``ControlClient``) sends nothing to a socket, or a listener, of a user it does not trust
/// (issue 14 item 5).
@Suite("Client trust in the daemon's socket")
struct DaemonTrustTests {
    @Test(.enabled(if: getuid() == 0, "needs root to give the socket to another uid"))
    func aSocketOwnedByAnotherUIDIsRefusedBeforeAnythingIsSent() async throws {
        try await TestServer.with { server in
            #expect(chown(server.socketPath, 65534, 65534) == 0)
            await #expect {
                _ = try await ControlClient.connect(socketPath: server.socketPath)
            } throws: { error in
                guard let error = error as? ControlClientError else { return false }
                return error.code == .untrustedDaemon && error.message.contains("belongs to uid 65534")
            }
            #expect(server.backend.commands.isEmpty)
        }
    }

    @Test(.enabled(if: UIDSwitch.available, "needs root and setpriv to listen as another uid"))
    func aListenerOfAnotherUIDBehindOurSocketFileIsRefusedByItsPeerCredentials() async throws {
        let directory = TestServer.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(chown(directory, 65534, 65534) == 0)
        let path = directory + "/s.sock"
        // A listener running as uid 65534 that reports every byte it receives.
        let script = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)
            print("listening", flush=True)
            c, _ = s.accept(); data = b""
            while True:
                chunk = c.recv(65536)
                if not chunk: break
                data += chunk
            print("received", len(data), flush=True)
            """
        let listener = Process()
        listener.executableURL = URL(fileURLWithPath: UIDSwitch.setpriv)
        listener.arguments = [
            "--reuid=65534", "--regid=65534", "--clear-groups", UIDSwitch.python, "-c", script, path,
        ]
        let output = Pipe()
        listener.standardOutput = output
        try listener.run()
        defer { if listener.isRunning { kill(listener.processIdentifier, SIGKILL) } }
        let lines = output.fileHandleForReading
        var printed = ""
        while !printed.hasSuffix("\n") {
            let chunk = lines.availableData
            if chunk.isEmpty { break }
            printed += String(decoding: chunk, as: UTF8.self)
        }
        #expect(printed == "listening\n")
        // The file now looks like ours: only SO_PEERCRED tells who listens.
        #expect(chown(path, getuid(), getgid()) == 0)

        await #expect {
            _ = try await ControlClient.connect(socketPath: path)
        } throws: { error in
            guard let error = error as? ControlClientError else { return false }
            return error.code == .untrustedDaemon && error.message.contains("runs as uid 65534")
        }
        let rest = await Task.detached { String(decoding: lines.readDataToEndOfFile(), as: UTF8.self) }.value
        #expect(rest.trimmingCharacters(in: .whitespacesAndNewlines) == "received 0")
    }
}
