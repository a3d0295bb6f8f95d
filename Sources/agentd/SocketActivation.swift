import Foundation

import Glibc

/// The listening socket systemd passes on socket activation (`LISTEN_PID`, `LISTEN_FDS`, `LISTEN_FDNAMES`; the
/// `sd_listen_fds(3)` protocol, without libsystemd).
///
/// Passed descriptors start at 3. agentd serves one control socket, so it takes exactly one, and checks that it
/// really is a listening `AF_UNIX` stream socket before serving on it.
struct SocketActivation: Equatable {
    /// The first descriptor systemd passes (`SD_LISTEN_FDS_START`).
    static let firstDescriptor: Int32 = 3
    /// The variables of the protocol; removed from the environment once read, so tools never inherit them.
    static let variables = ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"]

    /// The inherited listening descriptor.
    var descriptor: Int32
    /// The path the socket is bound to (as the kernel reports it).
    var path: String
    /// The name systemd gave the socket (`FileDescriptorName=`, by default the socket unit's name).
    var name: String?

    /// What the environment says about passed sockets, before any descriptor is looked at.
    enum Request: Equatable {
        /// No socket was passed to this process (no variables, or they name another process).
        case none
        /// One socket was passed as descriptor 3.
        case one(name: String?)
    }

    /// Reads the protocol's variables; `pid` is this process's id.
    ///
    /// - Throws: ``DaemonError`` when the variables are malformed or pass more than one socket.
    static func request(environment: [String: String], pid: Int32) throws -> Request {
        guard let pidText = environment["LISTEN_PID"], let fdsText = environment["LISTEN_FDS"] else { return .none }
        guard let listenPID = Int32(pidText) else {
            throw DaemonError("socket activation: LISTEN_PID=\(pidText) is not a process id")
        }
        // The variables were meant for another process (e.g. a parent that did not clear them).
        guard listenPID == pid else { return .none }
        guard let count = Int(fdsText), count >= 0 else {
            throw DaemonError("socket activation: LISTEN_FDS=\(fdsText) is not a count")
        }
        if count == 0 { return .none }
        guard count == 1 else {
            throw DaemonError(
                "socket activation: \(count) sockets were passed (LISTEN_FDS=\(count)); agentd serves one control "
                    + "socket: give the socket unit a single ListenStream=")
        }
        let name = environment["LISTEN_FDNAMES"].flatMap { $0.isEmpty ? nil : $0 }
        return .one(name: name)
    }

    /// Takes the socket systemd passed, if any, and removes the protocol's variables from the process environment
    /// and from `environment`.
    ///
    /// - Throws: ``DaemonError`` when a socket was passed but descriptor 3 is not a listening `AF_UNIX` stream
    ///   socket.
    static func take(environment: inout [String: String]) throws -> SocketActivation? {
        let request = try request(environment: environment, pid: getpid())
        for variable in variables {
            unsetenv(variable)
            environment.removeValue(forKey: variable)
        }
        guard case .one(let name) = request else { return nil }
        let path = try inspect(firstDescriptor)
        // Tools are spawned by this process: the control socket must not leak into them.
        _ = fcntl(firstDescriptor, F_SETFD, FD_CLOEXEC)
        return SocketActivation(descriptor: firstDescriptor, path: path, name: name)
    }

    /// Checks that `fd` is a listening `AF_UNIX` stream socket and returns the path it is bound to.
    static func inspect(_ fd: Int32) throws -> String {
        func option(_ name: Int32) -> Int32? {
            var value: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            return getsockopt(fd, SOL_SOCKET, name, &value, &length) == 0 ? value : nil
        }
        let prefix = "socket activation: descriptor \(fd)"
        guard fcntl(fd, F_GETFD) >= 0 else { throw DaemonError("\(prefix) is not open (LISTEN_FDS=1)") }
        guard let type = option(SO_TYPE) else { throw DaemonError("\(prefix) is not a socket") }
        guard option(SO_DOMAIN) == AF_UNIX, type == Int32(SOCK_STREAM.rawValue) else {
            throw DaemonError("\(prefix) is not a Unix stream socket: use ListenStream=/path in the socket unit")
        }
        guard option(SO_ACCEPTCONN) == 1 else {
            throw DaemonError("\(prefix) is a Unix stream socket that is not listening")
        }
        var address = sockaddr_un()
        var length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw DaemonError("\(prefix): getsockname failed: \(String(cString: strerror(errno)))") }
        let path = withUnsafeBytes(of: &address.sun_path) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        guard !path.isEmpty else {
            throw DaemonError("\(prefix) is an unnamed or abstract socket; agentd needs a socket file path")
        }
        return path
    }
}
