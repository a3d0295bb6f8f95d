import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where the ledger keeps its process-session marker: the control socket's directory, the daemon's runtime
/// directory (under systemd a tmpfs in /run, emptied by a reboot and writable even when the state disk fails).
///
/// The ledger opens before the control server binds its socket, so the directory is made here (0700, as the
/// control server would make it) when missing. A marker lets a start skip `quick_check`, so it is kept only in a
/// directory that is ours and that nobody else can write to; otherwise the ledger keeps none.
enum LedgerSessionDirectory {
    /// The socket's directory, created if missing, or a `DaemonError` saying why it cannot hold the marker.
    static func prepare(socketPath: String) -> Result<String, DaemonError> {
        let directory = parent(of: socketPath)
        if let error = makeMissing(directory) { return .failure(error) }
        var info = stat()
        guard stat(directory, &info) == 0 else {
            return .failure(DaemonError("cannot inspect \(directory): \(String(cString: strerror(errno)))"))
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            return .failure(DaemonError("\(directory) is not a directory"))
        }
        guard info.st_uid == geteuid() else {
            return .failure(DaemonError("\(directory) is owned by uid \(info.st_uid), not by agentd"))
        }
        guard info.st_mode & 0o022 == 0 else {
            let mode = String(info.st_mode & 0o7777, radix: 8)
            return .failure(DaemonError("\(directory) is writable by group or others (mode \(mode))"))
        }
        return .success(directory)
    }

    /// Creates `directory` and its missing parents with mode 0700; nil on success or when it exists.
    private static func makeMissing(_ directory: String) -> DaemonError? {
        var info = stat()
        guard stat(directory, &info) != 0, errno == ENOENT else { return nil }
        let above = parent(of: directory)
        if above != directory, above != "/", above != ".", let error = makeMissing(above) { return error }
        guard mkdir(directory, 0o700) == 0 else {
            guard errno != EEXIST else { return nil }
            return DaemonError("cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        // mkdir applies the umask; make the mode exact.
        _ = chmod(directory, 0o700)
        return nil
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }
}
