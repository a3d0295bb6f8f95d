import Foundation

/// Runs a system program for a test's setup (mount, chattr, dd) with its output discarded.
public enum QuietCommand {
    /// Runs `executable` with `arguments` and waits for it.
    ///
    /// - Returns: its exit status, or -1 when it could not be started.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String]) -> Int32 {
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
