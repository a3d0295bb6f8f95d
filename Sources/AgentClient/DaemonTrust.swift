#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Whether a socket file, and the process listening on it, may be sent this client's requests (prompts, approvals).
///
/// Another local user who got hold of the socket's directory could put their own listener at the path and read
/// every prompt. Trusted: a socket owned by this user or root; or one owned by a service account in a directory that
/// account owns alone inside a parent only root can write (a system service's `RuntimeDirectory`, `/run/agentd`),
/// since only root can have made that directory theirs. The listener's uid from the kernel (`SO_PEERCRED`) must be
/// the socket's owner, this user or root.
enum DaemonTrust {
    /// Why the socket at `socketPath` (`socket` is its `stat`) is not trusted by a client running as `uid`, or nil.
    ///
    /// `lstat` is the directory-inspection function (injected so tests can describe other owners).
    static func socketProblem(
        socketPath: String, socket: stat, uid: uid_t, lstat inspect: (String) -> stat? = Self.lstatOrNil
    ) -> String? {
        let owner = socket.st_uid
        if owner == uid || owner == 0 { return nil }
        let directory = parentDirectory(of: socketPath)
        let parent = parentDirectory(of: directory)
        if let directoryInfo = inspect(directory), let parentInfo = inspect(parent),
            isDirectory(directoryInfo), directoryInfo.st_uid == owner, directoryInfo.st_mode & 0o022 == 0,
            isDirectory(parentInfo), parentInfo.st_uid == 0, parentInfo.st_mode & 0o022 == 0
        {
            return nil
        }
        return "refusing to talk to the agentd socket at \(socketPath): it belongs to uid \(owner), not to you "
            + "(uid \(uid)) or root, and its directory \(directory) is not one only root could have given that user; "
            + "another user may have put their own listener there"
    }

    /// Why a listener running as `peerUID` on a socket owned by `socketOwner` is not trusted by `uid`, or nil.
    static func peerProblem(socketPath: String, peerUID: uid_t, socketOwner: uid_t, uid: uid_t) -> String? {
        if peerUID == socketOwner || peerUID == uid || peerUID == 0 { return nil }
        return "refusing to talk to the agentd socket at \(socketPath): the process listening on it runs as uid "
            + "\(peerUID), but the socket belongs to uid \(socketOwner)"
    }

    static func lstatOrNil(_ path: String) -> stat? {
        var info = stat()
        return lstat(path, &info) == 0 ? info : nil
    }

    private static func isDirectory(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFDIR }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }
}
