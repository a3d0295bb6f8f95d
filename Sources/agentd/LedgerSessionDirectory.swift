import AgentControl
import Logging

import Glibc

/// Where the ledger keeps its process-session marker: the control socket's directory, the daemon's runtime
/// directory (under systemd a tmpfs in /run, emptied by a reboot and writable even when the state disk fails).
///
/// The ledger opens before the control server binds its socket, so the directory is prepared here as the server
/// would prepare it. A marker lets a start skip `quick_check`, so it is kept only in a directory that is ours and
/// that nobody else can write to; otherwise the ledger keeps none.
enum LedgerSessionDirectory {
    /// The socket's directory, created if missing, or a `DaemonError` saying why it cannot hold the marker.
    static func prepare(socketPath: String, logger: Logger) -> Result<String, DaemonError> {
        let directory: String
        do {
            directory = try ControlServer.prepareSocketDirectory(for: socketPath, logger: logger)
        } catch {
            return .failure(DaemonError("\(error)"))
        }
        var info = stat()
        guard stat(directory, &info) == 0 else {
            return .failure(DaemonError("cannot inspect \(directory): \(String(cString: strerror(errno)))"))
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
}
