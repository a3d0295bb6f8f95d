import AgentControl

/// Where the ledger keeps its process-session marker: the control socket's directory, the daemon's runtime
/// directory (under systemd a tmpfs in /run, emptied by a reboot and writable even when the state disk fails).
///
/// The ledger opens before the control server binds its socket, so the directory is prepared here as the server
/// prepares it. A marker lets a start skip `quick_check`, so it is kept only in a directory that is ours and that
/// nobody else can write to — the same rules the control server enforces for its socket — otherwise none.
enum LedgerSessionDirectory {
    /// The socket's directory, created if missing, or a `DaemonError` saying why it cannot hold the marker.
    static func prepare(socketPath: String) -> Result<String, DaemonError> {
        do {
            return .success(try ControlServer.prepareSocketDirectory(for: socketPath))
        } catch {
            return .failure(DaemonError("\(error)"))
        }
    }
}
