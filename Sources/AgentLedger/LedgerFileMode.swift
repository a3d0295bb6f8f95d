#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The ledger's files are readable by their owner only (0600), whatever the directory's mode or the umask: they hold
/// every prompt, tool output and command line.
///
/// SQLite creates a new database 0644 (less the umask) and gives its `-wal` and `-shm` files the database file's
/// mode, so creating the database file 0600 first makes all three private; files left looser by an older agentd
/// are tightened.
enum LedgerFileMode {
    /// The mode of every ledger file.
    static let mode: mode_t = 0o600

    /// Creates `path` empty with mode 0600 when it does not exist (SQLite opens an empty file as a new database).
    ///
    /// - Returns: errno when the file could not be created, else nil.
    static func createPrivate(_ path: String) -> Int32? {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { return errno == EEXIST ? nil : errno }
        // The umask may have removed bits from 0600 only; set it exactly through the descriptor.
        _ = fchmod(fd, mode)
        close(fd)
        return nil
    }

    /// Removes group and other permissions from `path`, `path-wal` and `path-shm` where they exist and are ours.
    static func tighten(_ path: String) {
        for file in [path, path + "-wal", path + "-shm"] {
            // O_NOFOLLOW: never change the mode of whatever a symlink planted in the directory names.
            let fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
            guard fd >= 0 else { continue }
            var info = stat()
            if fstat(fd, &info) == 0, info.st_uid == geteuid(), info.st_mode & 0o077 != 0 {
                _ = fchmod(fd, info.st_mode & 0o700)
            }
            close(fd)
        }
    }
}
