import Foundation
import Synchronization
import TestSupport

/// A built executable of this package run as a real child process, with its output captured line by line.
final class ChildProcess: Sendable {
    let process: Process
    private let stdoutLines = Mutex<[String]>([])
    private let stderrLines = Mutex<[String]>([])
    private let lineArrived = Mutex<[CheckedContinuation<Void, Never>]>([])
    private let streamsEnded = Mutex(0)

    /// The directory holding the package's built executables (next to the test bundle).
    static let binDirectory: URL = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/debug"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("agentd").path) }
            ?? candidates[1]
    }()

    /// - Parameter readerGone: stdout is a pipe whose reading end is already closed (as after `| head -1`), so
    ///   every write to it fails with EPIPE.
    init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], cwd: String? = nil,
        readerGone: Bool = false
    ) throws {
        process = Process()
        // A built product by name, or a system tool by absolute path.
        process.executableURL =
            executable.hasPrefix("/") ? URL(fileURLWithPath: executable) : Self.binDirectory.appendingPathComponent(executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "OPENAI_API_KEY")
        env.removeValue(forKey: "OPENAI_BASE_URL")
        env.removeValue(forKey: "AGENTD_SOCKET")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        if readerGone { try out.fileHandleForReading.close() }
        try process.run()
        LeftoverChildren.track(process)
        if readerGone {
            streamsEnded.withLock { $0 += 1 }
        } else {
            pump(out.fileHandleForReading, isStdout: true)
        }
        pump(err.fileHandleForReading, isStdout: false)
    }

    var stdout: [String] { stdoutLines.withLock { $0 } }
    var stderr: [String] { stderrLines.withLock { $0 } }

    /// Waits until a line of stdout or stderr satisfies `match`, failing after `timeout` or when its output ended.
    func waitForLine(timeout: Duration = .seconds(60), _ match: @escaping @Sendable (String) -> Bool) async throws
        -> String
    {
        var found: String?
        try await waitUntil(timeout: timeout, "the expected line") {
            // Ended only once both pipes reached end of file: at exit the last lines may still be in the pipes.
            let ended = self.streamsEnded.withLock { $0 } >= 2
            found = (self.stdout + self.stderr).first(where: match)
            if found == nil && ended {
                throw HarnessError("\(self.name) exited before the expected line; last stderr:\n" + self.lastStderr)
            }
            return found != nil
        }
        return found!
    }

    /// Waits for the process to exit and returns its status; at the deadline kills it and fails.
    func waitForExit(timeout: Duration = .seconds(120)) async throws -> Int32 {
        let process = self.process
        do {
            try await withTimeout(timeout, "\(name) to exit") {
                await withCheckedContinuation { continuation in
                    // A thread of its own: a blocking wait on Dispatch's small global pool starves other tests.
                    Thread {
                        process.waitUntilExit()
                        continuation.resume()
                    }.start()
                }
            }
        } catch let timeout as TestTimeout {
            signal(SIGKILL)
            throw HarnessError("\(timeout); killed it; last stderr:\n" + lastStderr)
        }
        try await waitForOutputEnd()
        return process.terminationStatus
    }

    /// Waits until both output pipes reached end of file (every line is captured).
    func waitForOutputEnd(timeout: Duration = .seconds(10)) async throws {
        try await waitUntil(timeout: timeout, "the end of its output") { self.streamsEnded.withLock { $0 } >= 2 }
    }

    /// Checks `condition` now and after every line (and end of output) until it holds; fails after `timeout`.
    private func waitUntil(timeout: Duration, _ what: String, _ condition: () throws -> Bool) async throws {
        // The sleep is only a deadline: it wakes the waiter so the timeout is reported.
        let timer = Task {
            try await Task.sleep(for: timeout)
            self.wake()
        }
        defer { timer.cancel() }
        let deadline = ContinuousClock.now + timeout
        while try !condition() {
            guard ContinuousClock.now < deadline else {
                throw HarnessError("\(name): timed out after \(timeout) waiting for \(what); last stderr:\n" + lastStderr)
            }
            await withCheckedContinuation { continuation in
                lineArrived.withLock { $0.append(continuation) }
                // Re-check after registering, so a line that arrived in between is not missed.
                if (try? condition()) != false { wake() }
            }
        }
    }

    private var name: String { process.executableURL!.lastPathComponent }
    private var lastStderr: String { stderr.suffix(20).joined(separator: "\n") }

    /// The process id.
    var pid: Int32 { process.processIdentifier }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    private func wake() {
        let waiting = lineArrived.withLock { list in
            defer { list.removeAll() }
            return list
        }
        for continuation in waiting { continuation.resume() }
    }

    private func pump(_ handle: FileHandle, isStdout: Bool) {
        let thread = Thread { [self] in
            var buffer = Data()
            func append(_ line: String) {
                if isStdout {
                    stdoutLines.withLock { $0.append(line) }
                } else {
                    stderrLines.withLock { $0.append(line) }
                }
            }
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                    buffer.removeSubrange(buffer.startIndex...newline)
                }
                wake()
            }
            if !buffer.isEmpty { append(String(decoding: buffer, as: UTF8.self)) }
            streamsEnded.withLock { $0 += 1 }
            wake()
        }
        thread.start()
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
