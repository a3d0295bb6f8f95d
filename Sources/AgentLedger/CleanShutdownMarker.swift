import Foundation

import Glibc

/// The "verified clean" marker next to a ledger file (`<ledger>-verified-clean`).
///
/// Written only by a clean close: every commit done, no I/O error in the session, the WAL checkpointed and
/// truncated, the file fsynced, the database closed. It binds the file's ``LedgerFileIdentity`` at that moment, so
/// a later open can skip the full `quick_check` only when the file is byte-for-byte the one that was closed. It is
/// removed (and the removal made durable) before the ledger is opened for writing.
struct CleanShutdownMarker {
    /// The ledger file the marker describes.
    let ledgerPath: String

    var path: String { ledgerPath + "-verified-clean" }
    private var directory: String {
        let directory = (ledgerPath as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }

    /// Whether a marker exists and matches the file exactly as it is now (an empty `-wal` included).
    func matchesCurrentFile() -> Bool {
        guard let identity = LedgerFileIdentity.current(path: ledgerPath), identity.walBytes == 0,
            let data = FileManager.default.contents(atPath: path), data.count < 4096
        else { return false }
        return data == Data(identity.markerText.utf8)
    }

    /// Whether a marker file exists at all (matching or not).
    var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// Records the closed file's current identity: fsync of the ledger file, then temp file, fsync, rename, fsync
    /// of the directory.
    ///
    /// The ledger file is fsynced first because under `sync = off` the checkpoint did not, and a marker that
    /// outlives a power loss must not describe pages that did not. Returns false (and leaves no marker) when the
    /// WAL is not empty or any step fails; the next open then runs the full check, which is always safe.
    @discardableResult
    func write() -> Bool {
        guard syncLedgerFile(),
            let identity = LedgerFileIdentity.current(path: ledgerPath), identity.walBytes == 0
        else { return false }
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        let bytes = Array(identity.markerText.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        let closed = close(fd) == 0
        guard written == bytes.count, synced, closed, rename(temporary, path) == 0, syncDirectory() else {
            unlink(temporary)
            unlink(path)
            return false
        }
        return true
    }

    /// Removes the marker and makes the removal durable; does nothing when there is none.
    ///
    /// - Throws: ``LedgerOpenError`` when the marker cannot be removed or the directory cannot be synced: writing
    ///   while a stale marker may survive a power loss is refused.
    func remove() throws {
        if unlink(path) != 0 {
            let code = errno
            guard code == ENOENT else {
                throw LedgerOpenError(
                    code: .cannotOpen, path: ledgerPath,
                    message: "cannot remove the clean-shutdown marker \(path) (errno \(code)); "
                        + "check the state directory's permissions, then restart")
            }
            return
        }
        guard syncDirectory() else {
            throw LedgerOpenError(
                code: .cannotOpen, path: ledgerPath,
                message: "fsync of directory \(directory) failed (errno \(errno)) after removing \(path); "
                    + "check the file system, then restart")
        }
    }

    private func syncLedgerFile() -> Bool {
        let fd = open(ledgerPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { _ = close(fd) }
        return fsync(fd) == 0
    }

    private func syncDirectory() -> Bool {
        let fd = open(directory, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { _ = close(fd) }
        return fsync(fd) == 0
    }
}
