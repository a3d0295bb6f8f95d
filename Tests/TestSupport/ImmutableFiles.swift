import Foundation

/// Files a test makes immutable with `chattr +i`: every write to them then fails with EPERM, even through a
/// descriptor opened before and even for root (which ignores mode bits, and cannot remount a file system read-only
/// while a file on it is open for writing). Needs root and a file system with the attribute (ext4, xfs, btrfs; not
/// tmpfs).
public struct ImmutableFiles: Sendable {
    public let paths: [String]

    /// Whether `chattr +i` really refuses writes to a file in the temporary directory here (tried once).
    public static let areSupported: Bool = {
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("agentd-chattr-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: probe, contents: Data("x".utf8)) else { return false }
        let files = ImmutableFiles([probe])
        defer {
            try? files.makeWritable()
            try? FileManager.default.removeItem(atPath: probe)
        }
        guard (try? files.makeImmutable()) != nil else { return false }
        // Really refused: the attribute is not merely recorded.
        return FileHandle(forWritingAtPath: probe) == nil
    }()

    /// The files at `paths`, not changed yet.
    public init(_ paths: [String]) {
        self.paths = paths
    }

    /// Sets the attribute on every file (`chattr +i`); throws when chattr refuses.
    public func makeImmutable() throws {
        guard QuietCommand.run("/usr/bin/chattr", ["+i"] + paths) == 0 else { throw CocoaError(.fileWriteNoPermission) }
    }

    /// Clears the attribute (`chattr -i`): the files are writable again; throws when chattr refuses.
    public func makeWritable() throws {
        guard QuietCommand.run("/usr/bin/chattr", ["-i"] + paths) == 0 else { throw CocoaError(.fileWriteNoPermission) }
    }
}
