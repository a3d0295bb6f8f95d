import AgentModel
import Foundation

import Glibc

/// The "process session" marker: says that a ledger was opened and checked during this kernel boot and has seen
/// no I/O error since.
///
/// It lives in the daemon's runtime directory (tmpfs under systemd: writable even when the state disk fails,
/// emptied by a reboot) and names the kernel's boot id and the ledger file (device, inode, path). A process
/// crash (SIGKILL, OOM kill, segfault) cannot damage an SQLite WAL database: every write the process made is in
/// the kernel, and SQLite's WAL recovery at the next open is all that is needed. So when the marker matches (the
/// same boot, the same file), the next open may skip `quick_check`. It is removed at open, rewritten once the
/// open succeeded, and removed the moment the ledger sees an I/O error and at close: after a power loss or an
/// OS crash (another boot id, or no marker at all) or a failed fsync the next open runs the full check.
struct LedgerSessionMarker: Sendable {
    /// The ledger file the marker describes.
    let ledgerPath: String
    /// The runtime directory holding the marker (the daemon's socket directory).
    let directory: String
    /// This kernel boot's id, or nil when it cannot be read (then no marker is ever written or trusted).
    let bootID: String?

    /// The marker's path: one marker per ledger path in the directory.
    var path: String {
        directory + "/agentd-ledger-" + ContentHash.sha256Hex(Array(ledgerPath.utf8)).prefix(16) + ".session"
    }

    /// The kernel's boot id (`/proc/sys/kernel/random/boot_id`), which changes at every boot.
    static func currentBootID() -> String? {
        guard let data = FileManager.default.contents(atPath: "/proc/sys/kernel/random/boot_id") else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// What the marker's existence says about the file as it is now: `.skippedAfterProcessExit` when it was
    /// written in this boot for this very file, `.quickCheckMarkerMismatch` when it was written in this boot for
    /// another file (replaced, restored, copied) or cannot be read, nil when there is none or it is from another
    /// boot (the kernel may have lost writes).
    func verdict() -> LedgerIntegrityCheck? {
        guard let bootID, let text = readMarker() else { return nil }
        guard text.hasPrefix(Self.header + "boot_id \(bootID)\n") else {
            return text.hasPrefix(Self.header + "boot_id ") ? nil : .quickCheckMarkerMismatch
        }
        guard let expected = expectedText() else { return .quickCheckMarkerMismatch }
        return text == expected ? .skippedAfterProcessExit : .quickCheckMarkerMismatch
    }

    /// Records that the ledger is open and checked in this boot: temp file (0600), then rename.
    ///
    /// No fsync: the marker only has to survive the death of this process, and every write a process made
    /// survives it in the kernel. A power loss or an OS crash may lose the marker (then the next open runs the
    /// full check) or keep it (its boot id no longer matches). Returns false (leaving no marker) on any failure.
    @discardableResult
    func write() -> Bool {
        guard let text = expectedText() else { return false }
        let temporary = path + ".tmp"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let closed = close(fd) == 0
        guard written == bytes.count, closed, rename(temporary, path) == 0 else {
            unlink(temporary)
            return false
        }
        return true
    }

    /// Removes the marker (and a left-over temp file); returns false when it exists and cannot be removed.
    @discardableResult
    func remove() -> Bool {
        unlink(path + ".tmp")
        return unlink(path) == 0 || errno == ENOENT
    }

    /// Whether a marker file exists (matching or not).
    var exists: Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    private static let header = "agentd ledger session v1\n"

    /// The marker text for this boot and the ledger file as it is now, or nil without a boot id or file.
    private func expectedText() -> String? {
        guard let bootID, let identity = LedgerFileIdentity.current(path: ledgerPath) else { return nil }
        return Self.header + "boot_id \(bootID)\ndev \(identity.device)\nino \(identity.inode)\npath \(ledgerPath)\n"
    }

    /// The marker's text when it is a small regular file owned by this user (never through a symlink); "" for
    /// anything else at its path; nil when there is nothing.
    private func readMarker() -> String? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return errno == ENOENT ? nil : "" }
        defer { _ = close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_uid == geteuid(),
            info.st_size < 4096
        else { return "" }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(fd, &buffer, buffer.count)
        guard count >= 0 else { return "" }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }
}
