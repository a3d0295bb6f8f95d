import Foundation
import Glibc

/// The low-level file operations the file tools share; paths are already resolved by ``Workspace``, and every
/// open, create, rename and removal goes through ``ConfinedPaths`` so the kernel keeps it beneath the workspace.
enum FileIO {
    /// What `lstat` says a path is.
    enum Kind: Hashable {
        case regular, directory, symlink, other(String)
    }

    /// The kind and size of `path` (not following a final symlink), or `nil` when it does not exist.
    static func kind(of path: String) -> (kind: Kind, size: Int, mode: mode_t)? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        let kind: Kind
        switch status.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symlink
        case S_IFIFO: kind = .other("fifo")
        case S_IFSOCK: kind = .other("socket")
        case S_IFCHR, S_IFBLK: kind = .other("device")
        default: kind = .other("special file")
        }
        return (kind, Int(status.st_size), status.st_mode & 0o7777)
    }

    /// The names in the directory at `path` (opened beneath the workspace), unsorted, without `.` and `..`.
    ///
    /// - Throws: ``FileToolError`` naming `shown` when it cannot be opened or read.
    static func directoryNames(_ path: String, shown: String, paths: ConfinedPaths) throws -> [String] {
        let fd = paths.open(path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw FileToolError("list", shown, errno: errno) }
        guard let directory = fdopendir(fd) else {
            let code = errno
            close(fd)
            throw FileToolError("list", shown, errno: code)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Whether `bytes` look binary: a NUL in the first 8000 bytes, git's test.
    static func looksBinary<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        bytes.prefix(8000).contains(0)
    }

    /// Opens a regular file for reading, refusing directories and special files with a message naming `shown`.
    static func openRegularFile(_ path: String, shown: String, paths: ConfinedPaths) throws -> Int32 {
        guard let info = kind(of: path) else { throw FileToolError("'\(shown)' does not exist") }
        switch info.kind {
        case .regular: break
        case .directory: throw FileToolError("'\(shown)' is a directory")
        case .symlink: throw FileToolError("'\(shown)' is a symlink that cannot be followed")
        case .other(let name): throw FileToolError("'\(shown)' is a \(name), not a regular file")
        }
        // O_NOFOLLOW: the path was resolved, so a symlink here means it was swapped in since. O_NONBLOCK: a fifo
        // swapped in since the check must not block the open; the fstat below refuses it.
        let fd = paths.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { throw FileToolError("read", shown, errno: errno) }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw FileToolError("'\(shown)' changed to something other than a regular file while it was opened")
        }
        return fd
    }

    /// Reads up to `count` bytes from `fd`, fewer only at end of file.
    static func read(_ fd: Int32, count: Int, shown: String) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = buffer.withUnsafeMutableBytes { raw in
                Glibc.read(fd, raw.baseAddress! + filled, count - filled)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw FileToolError("read", shown, errno: errno)
            }
            if got == 0 { break }
            filled += got
        }
        buffer.removeLast(count - filled)
        return buffer
    }

    /// The whole content of a regular file of at most `maxBytes` bytes.
    static func readAll(_ path: String, shown: String, maxBytes: Int, paths: ConfinedPaths) throws -> [UInt8] {
        let fd = try openRegularFile(path, shown: shown, paths: paths)
        defer { close(fd) }
        var bytes: [UInt8] = []
        while true {
            let chunk = try read(fd, count: 1 << 16, shown: shown)
            bytes += chunk
            if bytes.count > maxBytes {
                throw FileToolError("'\(shown)' is larger than \(maxBytes) bytes")
            }
            if chunk.count < 1 << 16 { return bytes }
        }
    }

    /// Writes `bytes` to a new hidden file next to `path` and returns its path; rename it over `path` to commit.
    ///
    /// The temp file gets `mode` (the replaced file's permissions) or the default `0666 & ~umask` when `nil`.
    static func stage(
        _ bytes: [UInt8], for path: String, shown: String, mode: mode_t?, paths: ConfinedPaths
    ) throws -> String {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temp = directory + "/.\(name).agentd-\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = paths.open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: 0o666)
        guard fd >= 0 else { throw FileToolError("write", shown, errno: errno) }
        var failure: Int32?
        var written = 0
        while written < bytes.count && failure == nil {
            let count = bytes.withUnsafeBytes { raw in write(fd, raw.baseAddress! + written, bytes.count - written) }
            if count < 0 {
                if errno != EINTR { failure = errno }
            } else {
                written += count
            }
        }
        if failure == nil, let mode, fchmod(fd, mode) != 0 { failure = errno }
        if failure == nil, fsync(fd) != 0 { failure = errno }
        if close(fd) != 0, failure == nil { failure = errno }
        if let failure {
            remove(temp, paths: paths)
            throw FileToolError("write", shown, errno: failure)
        }
        return temp
    }

    /// Replaces `path` by the staged file `temp` in one step (a reader sees the old or the new content).
    ///
    /// Both names are taken in the one directory descriptor opened beneath the workspace (`renameat`), so a
    /// directory swapped for a symlink since cannot move the file elsewhere.
    static func commit(_ temp: String, to path: String, shown: String, paths: ConfinedPaths) throws {
        let tempName = (temp as NSString).lastPathComponent
        let renamed = try paths.withParent(of: path, action: "write", shown: shown) { directory, name in
            renameat(directory, tempName, directory, name) == 0 ? 0 : errno
        }
        guard renamed == 0 else {
            remove(temp, paths: paths)
            throw FileToolError("write", shown, errno: renamed)
        }
    }

    /// Removes the file at `path` (beneath the workspace); the errno on failure, else 0.
    @discardableResult
    static func remove(_ path: String, paths: ConfinedPaths, directory: Bool = false) -> Int32 {
        (try? paths.withParent(of: path, action: "remove", shown: path) { parent, name in
            unlinkat(parent, name, directory ? AT_REMOVEDIR : 0) == 0 ? 0 : errno
        }) ?? errno
    }

    /// Creates the missing directories of `directory` and returns the ones it created, outermost first.
    static func createDirectories(_ directory: String, shown: String, paths: ConfinedPaths) throws -> [String] {
        var missing: [String] = []
        var current = directory
        while current != "/" && kind(of: current) == nil {
            missing.append(current)
            current = (current as NSString).deletingLastPathComponent
        }
        var created: [String] = []
        for path in missing.reversed() {
            let code = try paths.withParent(of: path, action: "create the directories of", shown: shown) { parent, name in
                mkdirat(parent, name, 0o777) == 0 || errno == EEXIST ? 0 : errno
            }
            guard code == 0 else {
                removeDirectories(created, paths: paths)
                throw FileToolError("create the directories of", shown, errno: code)
            }
            created.append(path)
        }
        return created
    }

    /// Removes directories made by ``createDirectories(_:shown:)`` (innermost first), when still empty.
    static func removeDirectories(_ created: [String], paths: ConfinedPaths) {
        for path in created.reversed() { remove(path, paths: paths, directory: true) }
    }
}
