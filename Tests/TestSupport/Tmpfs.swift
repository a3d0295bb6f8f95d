import Foundation

/// A tmpfs of a few megabytes mounted by a test (needs root), with a filler file that makes it full.
public struct Tmpfs: Sendable {
    /// The mount point.
    public let path: String
    private var filler: String { path + "/filler" }

    /// Whether this process may mount a tmpfs (tried once on a probe directory).
    public static let canMount: Bool = {
        guard let probe = try? Tmpfs(megabytes: 1) else { return false }
        probe.unmount()
        return true
    }()

    /// Creates `path` and mounts a tmpfs of `megabytes` on it.
    public init(mountingAt path: String, megabytes: Int) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard QuietCommand.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path]) == 0 else {
            try? FileManager.default.removeItem(atPath: path)
            throw CocoaError(.fileWriteNoPermission)
        }
    }

    /// Mounts a tmpfs of `megabytes` on a fresh directory under the temporary directory.
    public init(megabytes: Int) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("agentd-tmpfs-\(UUID().uuidString)")
        try self.init(mountingAt: path.path, megabytes: megabytes)
    }

    /// Writes zeros into the filler file until the file system is full (less than one 4 KiB page free).
    public func fill() throws {
        QuietCommand.run("/bin/dd", ["if=/dev/zero", "of=\(filler)", "bs=4k"])
        let attributes = try FileManager.default.attributesOfFileSystem(forPath: path)
        let free = (attributes[.systemFreeSize] as? NSNumber)?.intValue ?? -1
        guard free < 4096 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// Removes the filler file.
    public func free() throws {
        try FileManager.default.removeItem(atPath: filler)
    }

    /// Unmounts (lazily, should a file on it still be open) and removes the mount point.
    public func unmount() {
        QuietCommand.run("/bin/umount", ["-l", path])
        try? FileManager.default.removeItem(atPath: path)
    }
}
