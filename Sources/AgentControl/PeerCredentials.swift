import NIOCore

import Glibc

/// The identity of the process at the other end of a Unix socket, as the kernel reports it (SO_PEERCRED).
public struct PeerCredentials: Hashable, Sendable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    /// Reads `SO_PEERCRED` of `channel`'s socket.
    ///
    /// NIO does not expose the file descriptor, but every socket channel of NIOPosix conforms to
    /// `SocketOptionProvider`, whose `unsafeGetSocketOption` calls `getsockopt` with a buffer sized for the
    /// requested type. `struct ucred` is not importable from Glibc, so ``RawUCred`` mirrors its layout
    /// (`pid_t`, `uid_t`, `gid_t`: 12 bytes).
    ///
    /// - Throws: ``ControlServerError`` when the channel is not a socket or the platform has no `SO_PEERCRED`.
    public static func lookup(_ channel: any Channel) async throws -> PeerCredentials {
        guard let provider = channel as? any SocketOptionProvider else {
            throw ControlServerError(code: .peerCredentialsUnavailable, message: "channel is not a socket")
        }
        let raw: RawUCred = try await provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED)
        ).get()
        return PeerCredentials(pid: raw.pid, uid: raw.uid, gid: raw.gid)
    }
}

/// Mirror of Linux `struct ucred`.
struct RawUCred: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}
