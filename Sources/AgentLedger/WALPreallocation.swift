import Foundation
import GRDB

/// Fills the WAL file with zeros up to the size it reaches between two checkpoints, so commits overwrite blocks
/// the file already has instead of appending new ones.
///
/// Why: `fdatasync` of a file that grew must also commit the file system's journal (the new size and blocks), a
/// second device flush that waits behind every other process's metadata; an overwrite flushes only the data.
/// Measured on this machine's ext4 (12 KiB written then `fdatasync`, interleaved): append p50 0.145 ms, p90
/// 0.28–1.4 ms; overwrite p50 0.070 ms, p90 0.11–0.13 ms. SQLite writes each WAL generation from the start of
/// the file and ignores bytes after the last valid frame (a zero frame fails its salt and checksum), which is
/// exactly the state of a WAL reused after a checkpoint; `journal_size_limit` keeps it from shrinking.
/// `posix_fallocate` would not do: its unwritten extents need the same journal commit on first write.
enum WALPreallocation {
    /// Free space the file system must keep besides the zeros, so a small or nearly full disk is left alone.
    static let minimumFreeBytes: Int64 = 1 << 30
    /// Frames added at a time (1 MiB with 4 KiB pages): the extension runs on the writer queue after a commit's
    /// waiters were resumed, so it overlaps whatever the engine does before its next commit (usually a tool).
    static let chunkFrames: Int64 = 256

    /// Bytes the WAL occupies with `frames` frames of `pageSize`-byte pages: a 32-byte header, then frames of a
    /// 24-byte header and one page each.
    static func walBytes(frames: Int64, pageSize: Int64) -> Int64 {
        32 + frames * (pageSize + 24)
    }

    /// Writes zeros from the end of the file at `walPath` to `size` and makes them durable; returns the file's
    /// size afterwards (nil when it could not be read).
    ///
    /// Call only on the writer queue between transactions: SQLite then writes nothing to the WAL meanwhile.
    /// Best effort: a failure (no space, a read-only file) leaves zeros past the last frame at most, which SQLite
    /// ignores; commits then grow the file as before.
    /// One zero buffer for every fill: a fresh megabyte per commit would stay in the allocator's heap and show
    /// up as resident memory the daemon never gives back.
    private static let zeros = [UInt8](repeating: 0, count: 64 << 10)

    static func fill(_ walPath: String, to size: Int64) -> Int64? {
        let fd = open(walPath, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        // The WAL file carries no locks (SQLite locks the -shm file), so a second descriptor closed here
        // releases nothing of SQLite's.
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        var offset = Int64(info.st_size)
        var fs = statvfs()
        guard offset < size, fstatvfs(fd, &fs) == 0,
            Int64(fs.f_bavail) * Int64(fs.f_frsize) > size - offset + minimumFreeBytes
        else { return offset }
        while offset < size {
            let count = Int(min(Int64(zeros.count), size - offset))
            let written = zeros.withUnsafeBytes { pwrite(fd, $0.baseAddress, count, off_t(offset)) }
            guard written > 0 else { break }
            offset += Int64(written)
        }
        _ = fdatasync(fd)
        return offset
    }
}
