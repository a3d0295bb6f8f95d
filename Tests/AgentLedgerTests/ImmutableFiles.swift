import Foundation

/// Files made immutable with `chattr +i`: every write to them then fails with EPERM, even through a descriptor
/// opened before and even for root (which ignores mode bits, and cannot remount a file system read-only while a
/// file on it is open for writing). Needs root and a file system with the attribute (ext4, xfs, btrfs; not tmpfs).
struct ImmutableFiles: Sendable {
    let paths: [String]

    /// Whether `chattr +i` works on a file in the temporary directory here (tried once).
    static let areSupported: Bool = {
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("agentd-chattr-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: probe, contents: Data("x".utf8)) else { return false }
        defer {
            _ = run(["-i", probe])
            try? FileManager.default.removeItem(atPath: probe)
        }
        guard run(["+i", probe]) == 0 else { return false }
        // Really refused: the attribute is not merely recorded.
        return FileHandle(forWritingAtPath: probe) == nil
    }()

    /// Makes `paths` immutable.
    init(_ paths: [String]) throws {
        self.paths = paths
        guard Self.run(["+i"] + paths) == 0 else { throw CocoaError(.fileWriteNoPermission) }
    }

    /// Makes the files writable again.
    func release() {
        _ = Self.run(["-i"] + paths)
    }

    @discardableResult
    static func run(_ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return -1
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
