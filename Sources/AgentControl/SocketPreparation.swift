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
        try prepareDirectory(of: path, logger: logger)

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

    /// Creates the parent directory with mode 0700 when missing; warns when it is open to group or others.
    static func prepareDirectory(of path: String, logger: Logger) throws {
        let directory = parentDirectory(of: path)
        var info = stat()
        if stat(directory, &info) != 0 {
            guard errno == ENOENT else {
                throw ControlServerError(code: .socketDirectory, message: "cannot inspect \(directory): \(errnoText())")
            }
            try makeDirectories(directory)
            return
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw ControlServerError(code: .socketDirectory, message: "\(directory) is not a directory")
        }
        // Not fatal: /tmp-style sticky directories are common in tests, and the socket itself is 0600. The
        // daemon's default (under $XDG_RUNTIME_DIR or the state dir) is private.
        if info.st_mode & 0o077 != 0 {
            logger.warning(
                "socket directory is accessible to group or others; the socket file itself is 0600",
                metadata: [
                    "socket.dir": "\(directory)", "socket.dir_mode": "\(String(info.st_mode & 0o7777, radix: 8))",
                ])
        }
        if info.st_uid != getuid() {
            logger.warning(
                "socket directory is owned by another user",
                metadata: ["socket.dir": "\(directory)", "socket.dir_uid": "\(info.st_uid)"])
        }
    }

    /// Runs `body` (the bind) with the umask at 0177 so the socket file is born 0600, then enforces 0600.
    ///
    /// The umask is process-wide: files other threads create during the bind are also born 0600, which is only
    /// stricter. Call this during start-up.
    static func withPrivateUmask<T>(path: String, _ body: () async throws -> T) async throws -> T {
        let previous = umask(0o177)
        let result: T
        do {
            result = try await body()
        } catch {
            umask(previous)
            throw error
        }
        umask(previous)
        _ = chmod(path, 0o600)
        return result
    }

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
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw ControlServerError(code: .socketDirectory, message: "cannot create \(directory): \(errnoText())")
        }
        // mkdir applies the umask; make the mode exact.
        _ = chmod(directory, 0o700)
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
