import Foundation

/// `chattr +i` makes a file immutable: every write to it fails with EPERM, through descriptors already open too,
/// even for root (needs root and a file system with the attribute: ext4, xfs, btrfs; not tmpfs).
enum Chattr {
    /// Whether `chattr +i` refuses writes to a file in the temporary directory here (tried once).
    static let works: Bool = {
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("agentd-chattr-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: probe, contents: Data("x".utf8)) else { return false }
        defer {
            run(["-i", probe])
            try? FileManager.default.removeItem(atPath: probe)
        }
        return run(["+i", probe]) == 0 && FileHandle(forWritingAtPath: probe) == nil
    }()

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
