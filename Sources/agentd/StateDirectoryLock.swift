#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The exclusive claim of one daemon on a state directory: an `flock` on `agentd.lock` in it, held for the life
/// of the process.
///
/// Two daemons on one ledger would each "recover" the other's live runs and append to them. The kernel drops the
/// lock when the process dies however it dies (SIGKILL included), so a stale lock file never blocks a restart, and
/// the descriptor is close-on-exec so tool processes do not inherit (and outlive the daemon with) the lock.
enum StateDirectoryLock {
    /// The lock file's name inside the state directory.
    static let fileName = "agentd.lock"

    /// Takes the lock for the rest of the process's life and records this process's pid and socket in the file for
    /// the next daemon's message. The descriptor is never closed: closing it would release the lock.
    ///
    /// - Throws: ``DaemonError`` naming the other daemon's pid and socket when it holds the lock, or saying why the
    ///   lock file cannot be used.
    static func acquire(stateDirectory: String, socketPath: String) throws {
        let path = stateDirectory + "/" + Self.fileName
        // O_NOFOLLOW: a symlink planted in the state directory must not make us create or truncate another file.
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw DaemonError("cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = Self.readHolder(fd)
            close(fd)
            guard code == EWOULDBLOCK else {
                throw DaemonError("cannot lock \(path): \(String(cString: strerror(code)))")
            }
            throw DaemonError(
                "another agentd (pid \(holder.pid ?? "unknown"), socket \(holder.socket ?? "unknown")) is using the "
                    + "state directory \(stateDirectory); stop it first, or give this daemon its own --state-dir")
        }
        let record = "\(getpid())\n\(socketPath)\n"
        _ = ftruncate(fd, 0)
        _ = record.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    /// The pid and socket the lock's holder wrote into the file.
    private static func readHolder(_ fd: Int32) -> (pid: String?, socket: String?) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return (nil, nil) }
        let lines = String(decoding: buffer[..<count], as: UTF8.self).split(separator: "\n").map(String.init)
        return (lines.first, lines.count > 1 ? lines[1] : nil)
    }
}
