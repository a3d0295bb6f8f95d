import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The uid of the process at the other end of a connected Unix socket, from the kernel (`SO_PEERCRED`).
enum PeerUID {
    /// Mirror of Linux `struct ucred` (`pid_t`, `uid_t`, `gid_t`), which Glibc does not import.
    private struct RawUCred {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// The peer's uid, or nil when the channel is not a socket or the platform has no `SO_PEERCRED`.
    static func lookup(_ channel: any Channel) async -> uid_t? {
        #if os(Linux)
            // NIOPosix socket channels conform to SocketOptionProvider, whose getsockopt is sized for the type.
            guard let provider = channel as? any SocketOptionProvider else { return nil }
            let raw: RawUCred? = try? await provider.unsafeGetSocketOption(
                level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED)
            ).get()
            return raw.map { uid_t($0.uid) }
        #else
            return nil
        #endif
    }
}
