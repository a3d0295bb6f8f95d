import Foundation

/// A tmpfs of a few megabytes mounted on a given directory (needs root), with a filler file to make it full.
struct StateTmpfs: Sendable {
    let path: String
    private var filler: String { path + "/filler" }

    /// Whether this process may mount a tmpfs (tried once on a probe directory).
    static let canMount: Bool = {
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("agentd-probe-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard (try? StateTmpfs(mountingAt: probe, megabytes: 1)) != nil else { return false }
        _ = run("/bin/umount", [probe])
        return true
    }()

    /// Creates `path` and mounts a tmpfs of `megabytes` on it.
    init(mountingAt path: String, megabytes: Int) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path]) == 0 else {
            throw CocoaError(.fileWriteNoPermission)
        }
    }

    /// Writes zeros into the filler file until the file system is full.
    func fill() throws {
        _ = Self.run("/bin/dd", ["if=/dev/zero", "of=\(filler)", "bs=4k"])
        let attributes = try FileManager.default.attributesOfFileSystem(forPath: path)
        let free = (attributes[.systemFreeSize] as? NSNumber)?.intValue ?? -1
        guard free < 4096 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// Removes the filler file.
    func free() throws {
        try FileManager.default.removeItem(atPath: filler)
    }

    func unmount() {
        _ = Self.run("/bin/umount", ["-l", path])
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
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
