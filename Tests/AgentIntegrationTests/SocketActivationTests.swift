import Foundation
import Testing

/// agentd started through a passed listening socket (`LISTEN_FDS`), as systemd's agentd.socket starts it.
@Suite(.serialized)
struct SocketActivationTests {
    @Test func servesThePassedSocketAndLeavesItListeningForTheNextStart() async throws {
        let directory = "/tmp/agentd-sa-" + String(UInt32.random(in: .min ... .max), radix: 36)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socketPath = directory + "/ctl.sock"
        let listener = try ActivatedDaemon.listeningSocket(path: socketPath)
        defer { close(listener) }
        let emulator = try ChildProcess("responses-emulator", ["--port", "0"])
        defer { emulator.signal(SIGTERM) }
        let url = try await emulator.waitForLine { $0.hasPrefix("http://") }
        let arguments = ["--socket", directory + "/unused.sock", "--state-dir", directory + "/state"]

        // The first client connects before agentd exists (the socket unit is listening): its request waits in the
        // backlog and is answered once agentd starts.
        let early = try ChildProcess("agentctl", ["status", "--json"], environment: ["AGENTD_SOCKET": socketPath])
        let firstNotify = try NotifySocket(path: directory + "/notify-1")
        let first = try ActivatedDaemon(
            listeningSocket: listener, arguments: arguments,
            environment: ["OPENAI_BASE_URL": url, "NOTIFY_SOCKET": firstNotify.path], logPath: directory + "/1.log")
        try await firstNotify.waitFor("READY=1")
        let earlyStatus = try await early.waitForExit(timeout: .seconds(30))
        #expect(earlyStatus == 0, "agentctl: \(early.stderr) agentd: \(first.log)")
        let status = try JSONSerialization.jsonObject(with: Data(early.stdout.joined().utf8)) as? [String: Any]
        let servedPath = status?["socket_path"] as? String
        #expect(servedPath == socketPath)
        // It served the passed socket: nothing was bound at the configured path.
        #expect(!FileManager.default.fileExists(atPath: directory + "/unused.sock"))

        let run = try ChildProcess(
            "agentctl", ["start", "--model", "emu-text", "hello through the passed socket"],
            environment: ["AGENTD_SOCKET": socketPath])
        #expect(try await run.waitForExit() == 0)
        #expect(run.stdout.contains { $0.contains("You said: hello through the passed socket") })

        first.signal(SIGTERM)
        let firstExit = try await first.waitForExit()
        #expect(firstExit == 0, "log: \(first.log)")
        // The socket file belongs to the socket unit: it stays, and the next start serves it again.
        #expect(FileManager.default.fileExists(atPath: socketPath))
        let secondNotify = try NotifySocket(path: directory + "/notify-2")
        let second = try ActivatedDaemon(
            listeningSocket: listener, arguments: arguments,
            environment: ["OPENAI_BASE_URL": url, "NOTIFY_SOCKET": secondNotify.path], logPath: directory + "/2.log")
        try await secondNotify.waitFor("READY=1")
        let again = try ChildProcess("agentctl", ["status", "--json"], environment: ["AGENTD_SOCKET": socketPath])
        #expect(try await again.waitForExit() == 0)
        second.signal(SIGTERM)
        let secondExit = try await second.waitForExit()
        #expect(secondExit == 0, "log: \(second.log)")
        #expect(second.log.contains("socket.activated=true"))
    }

    @Test func refusesAPassedSocketThatIsNotListening() async throws {
        let directory = "/tmp/agentd-sa-" + String(UInt32.random(in: .min ... .max), radix: 36)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Bound but never listening: not what a socket unit passes.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array((directory + "/b.sock").utf8)) }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        let daemon = try ActivatedDaemon(
            listeningSocket: fd, arguments: ["--socket", directory + "/s.sock", "--state-dir", directory + "/state"],
            environment: [:], logPath: directory + "/d.log")
        let status = try await daemon.waitForExit()
        #expect(status == 1)
        #expect(daemon.log == "agentd: socket activation: descriptor 3 is a Unix stream socket that is not listening\n")
    }
}
