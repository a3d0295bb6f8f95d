import Foundation
import Testing

@testable import agentd

/// Reading `LISTEN_PID` / `LISTEN_FDS` / `LISTEN_FDNAMES`, and checking the passed descriptor.
struct SocketActivationRequestTests {
    @Test func oneSocketForThisProcessIsTaken() throws {
        let environment = ["LISTEN_PID": "4242", "LISTEN_FDS": "1", "LISTEN_FDNAMES": "control"]
        #expect(try SocketActivation.request(environment: environment, pid: 4242) == .one(name: "control"))
    }

    @Test func variablesForAnotherProcessOrNoSocketsAreIgnored() throws {
        let requests = try [
            SocketActivation.request(environment: ["LISTEN_PID": "1", "LISTEN_FDS": "1"], pid: 4242),
            SocketActivation.request(environment: ["LISTEN_PID": "4242", "LISTEN_FDS": "0"], pid: 4242),
            SocketActivation.request(environment: [:], pid: 4242),
        ]
        #expect(requests == [.none, .none, .none])
    }

    @Test func malformedVariablesOrSeveralSocketsAreRefusedWithTheReason() {
        let several = #expect(throws: DaemonError.self) {
            try SocketActivation.request(environment: ["LISTEN_PID": "7", "LISTEN_FDS": "2"], pid: 7)
        }
        #expect(several?.description.contains("2 sockets were passed") == true)
        let garbage = #expect(throws: DaemonError.self) {
            try SocketActivation.request(environment: ["LISTEN_PID": "x", "LISTEN_FDS": "1"], pid: 7)
        }
        #expect(garbage?.description.contains("LISTEN_PID=x") == true)
    }

    @Test func aListeningUnixStreamSocketIsAcceptedWithItsPath() throws {
        let path = "/tmp/agentd-sa-" + String(UInt32.random(in: .min ... .max), radix: 36) + ".sock"
        let fd = try Self.unixSocket(path: path, type: Int32(SOCK_STREAM.rawValue), listening: true)
        defer {
            close(fd)
            unlink(path)
        }
        #expect(try SocketActivation.inspect(fd) == path)
    }

    @Test func aSocketThatIsNotListeningOrNotAStreamIsRefused() throws {
        let base = "/tmp/agentd-sa-" + String(UInt32.random(in: .min ... .max), radix: 36)
        let bound = try Self.unixSocket(path: base + "-a.sock", type: Int32(SOCK_STREAM.rawValue), listening: false)
        let datagram = try Self.unixSocket(path: base + "-b.sock", type: Int32(SOCK_DGRAM.rawValue), listening: false)
        let file = open("/dev/null", O_RDONLY)
        defer {
            for fd in [bound, datagram, file] { close(fd) }
            unlink(base + "-a.sock")
            unlink(base + "-b.sock")
        }
        var messages: [String] = []
        for fd in [bound, datagram, file] {
            do {
                _ = try SocketActivation.inspect(fd)
            } catch {
                messages.append("\(error)".replacingOccurrences(of: "descriptor \(fd)", with: "descriptor N"))
            }
        }
        #expect(
            messages == [
                "socket activation: descriptor N is a Unix stream socket that is not listening",
                "socket activation: descriptor N is not a Unix stream socket: use ListenStream=/path in the socket unit",
                "socket activation: descriptor N is not a socket",
            ])
    }

    static func unixSocket(path: String, type: Int32, listening: Bool) throws -> Int32 {
        let fd = socket(AF_UNIX, type, 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard fd >= 0, bound == 0, !listening || listen(fd, 8) == 0 else {
            throw DaemonError("cannot set up a socket at \(path): errno \(errno)")
        }
        return fd
    }
}
