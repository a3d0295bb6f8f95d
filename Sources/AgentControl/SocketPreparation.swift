import AgentModel
import Logging

import Glibc

/// Socket-file hygiene before `bind`: a private directory, no abstract names, and a live-daemon probe before a
/// stale file is removed.
enum SocketPreparation {
    /// `sun_path` holds 108 bytes including the terminating NUL on Linux.
    static let maxPathBytes = 107

    /// Validates `path`, creates its directory (0700) if missing, and removes a stale socket file.
    ///
    /// - Throws: ``ControlServerError`` `alreadyRunning` when a process answers on `path`; `invalidSocketPath`
    ///   when `path` is abstract, too long, or names something that is not a socket.
    static func prepare(path: String, logger: Logger) throws {
        guard !path.isEmpty, !path.hasPrefix("@"), !path.utf8.contains(0) else {
            throw ControlServerError(
                code: .invalidSocketPath, message: "socket path \"\(path)\" is invalid: abstract sockets are not used")
        }
        guard path.utf8.count <= maxPathBytes else {
            throw ControlServerError(
                code: .invalidSocketPath,
                message: "socket path \(path) is \(path.utf8.count) bytes; the limit is \(maxPathBytes)")
        }
        try prepareDirectory(of: path)

        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw ControlServerError(code: .invalidSocketPath, message: "cannot inspect \(path): \(errnoText())")
        }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw ControlServerError(
                code: .invalidSocketPath,
                message: "\(path) exists and is not a socket; remove it or choose another path")
        }
        switch probe(path: path) {
        case .alive:
            throw ControlServerError(
                code: .alreadyRunning, message: "another agentd is already listening on \(path); stop it first")
        case .stale:
            logger.info("removing stale socket file", metadata: ["socket.path": "\(path)"])
            if unlink(path) != 0 && errno != ENOENT {
                throw ControlServerError(
                    code: .invalidSocketPath, message: "cannot remove stale socket \(path): \(errnoText())")
            }
        case .failed(let text):
            throw ControlServerError(code: .invalidSocketPath, message: "cannot probe \(path): \(text)")
        }
    }

    /// Creates the parent directory with mode 0700 when missing, and refuses one another user could use to swap
    /// the socket: a symbolic link, not owned by this user, or writable by group or others (as tmux and ssh-agent
    /// refuse their socket directories). No warning-only mode: a hijacked directory hands every prompt to its owner.
    ///
    /// - Throws: ``ControlServerError`` `socketDirectory` saying what is wrong and what to do.
    static func prepareDirectory(of path: String) throws {
        let directory = parentDirectory(of: path)
        var info = stat()
        // lstat: a symlink in place of the directory is refused, never followed.
        if lstat(directory, &info) != 0 {
            guard errno == ENOENT else {
                throw ControlServerError(code: .socketDirectory, message: "cannot inspect \(directory): \(errnoText())")
            }
            try makeDirectories(directory)
            // Checked again: another user may have created it between our lstat and mkdir.
            guard lstat(directory, &info) == 0 else {
                throw ControlServerError(code: .socketDirectory, message: "cannot inspect \(directory): \(errnoText())")
            }
        }
        if let problem = problem(directory: directory, info, uid: geteuid()) {
            throw ControlServerError(code: .socketDirectory, message: problem)
        }
    }

    /// Why a socket directory with `info` (from `lstat`) is unsafe for a daemon running as `uid`, or nil.
    static func problem(directory: String, _ info: stat, uid: uid_t) -> String? {
        let advice = "remove it or choose another socket path (--socket)"
        switch info.st_mode & S_IFMT {
        case S_IFDIR: break
        case S_IFLNK:
            return "the socket directory \(directory) is a symbolic link, which agentd does not follow; \(advice)"
        default:
            return "the socket directory \(directory) is not a directory; \(advice)"
        }
        guard info.st_uid == uid else {
            return "the socket directory \(directory) is owned by uid \(info.st_uid), not by agentd's uid \(uid): "
                + "its owner could replace the socket; \(advice)"
        }
        guard info.st_mode & 0o022 == 0 else {
            let mode = String(info.st_mode & 0o7777, radix: 8)
            return "the socket directory \(directory) is writable by group or others (mode \(mode)), who could "
                + "replace the socket; run chmod go-w \(directory) or choose another socket path (--socket)"
        }
        return nil
    }

    /// Runs `body` (the bind) with the umask at 0177 so the socket file is born 0600: no chmod on a path afterwards,
    /// which would follow whatever a path names by then.
    ///
    /// The umask is process-wide: files other threads create during the bind are also born 0600, which is only
    /// stricter. Binds that overlap (several servers in one process) share one private umask: the first sets it,
    /// the last restores what was there before, so no bind ever runs under a umask another one restored.
    static func withPrivateUmask<T>(_ body: () async throws -> T) async throws -> T {
        privateUmask.withLock { state in
            if state.binds == 0 { state.previous = umask(0o177) }
            state.binds += 1
        }
        defer {
            privateUmask.withLock { state in
                state.binds -= 1
                if state.binds == 0 { umask(state.previous) }
            }
        }
        return try await body()
    }

    private static let privateUmask = SharedMutex((binds: 0, previous: mode_t(0)))

    enum ProbeResult: Equatable {
        case alive
        case stale
        case failed(String)
    }

    /// Connects to `path` without blocking: accepted (or backlog full) means a live listener.
    static func probe(path: String) -> ProbeResult {
        let fd = socket(
            AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failed(errnoText()) }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() where index < buffer.count - 1 { buffer[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if result == 0 { return .alive }
        switch errno {
        case EAGAIN, EINPROGRESS: return .alive
        case ECONNREFUSED, ENOENT: return .stale
        default: return .failed(errnoText())
        }
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    private static func makeDirectories(_ directory: String) throws {
        let parent = parentDirectory(of: directory)
        if parent != directory, parent != "/", parent != "." {
            var info = stat()
            if stat(parent, &info) != 0 && errno == ENOENT { try makeDirectories(parent) }
        }
        guard mkdir(directory, 0o700) == 0 else {
            if errno == EEXIST { return }
            throw ControlServerError(code: .socketDirectory, message: "cannot create \(directory): \(errnoText())")
        }
        // mkdir applies the umask (possibly a stricter one held for a moment by a bind on another thread): set the
        // mode exactly through a descriptor that did not follow a symlink, never chmod on the path.
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            throw ControlServerError(code: .socketDirectory, message: "cannot open \(directory): \(errnoText())")
        }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_uid == geteuid() { _ = fchmod(fd, 0o700) }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
