import Foundation

import Glibc

/// What identifies one exact state of a closed ledger file: which file it is (device and inode), its size, its
/// modification and status-change times to the nanosecond, and the size of its `-wal` file (0 when absent).
///
/// Any write to the file changes its size or times; a copy or a restored backup is another inode; a `touch` that
/// resets the modification time still moves the status-change time.
struct LedgerFileIdentity: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modifiedNanoseconds: Int64
    var changedNanoseconds: Int64
    var walBytes: Int64

    /// The identity of the file at `path` now, or nil when it (or its `-wal` file) cannot be examined.
    static func current(path: String) -> LedgerFileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        var wal = stat()
        let walBytes: Int64
        if stat(path + "-wal", &wal) == 0 {
            walBytes = Int64(wal.st_size)
        } else if errno == ENOENT {
            walBytes = 0
        } else {
            return nil
        }
        return LedgerFileIdentity(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modifiedNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
            changedNanoseconds: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec),
            walBytes: walBytes)
    }

    /// The marker file's text for this identity (compared byte for byte at open).
    var markerText: String {
        """
        agentd ledger verified clean v1
        dev \(device)
        ino \(inode)
        size \(size)
        mtime_ns \(modifiedNanoseconds)
        ctime_ns \(changedNanoseconds)
        wal_bytes \(walBytes)

        """
    }
}
