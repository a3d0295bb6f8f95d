import Foundation
import Synchronization

import FoundationNetworking

/// A real `responses-emulator` and a real `agentd` on temporary paths, and `agentctl` to drive them.
final class DaemonHarness: Sendable {
    let directory: String
    let socket: String
    let stateDirectory: String
    let workDirectory: String
    let emulator: ChildProcess
    let emulatorURL: String
    private let daemonArguments: [String]
    private let currentDaemon: Mutex<ChildProcess>

    /// The agentd process running now (a new one after ``restartDaemon(afterKill:)``).
    var daemon: ChildProcess { currentDaemon.withLock { $0 } }

    /// Starts both processes and returns once agentd says it is ready.
    /// `prepareStateDirectory` is called with the (not yet created) state directory before agentd starts.
    init(
        emulatorArguments: [String] = [], daemonConfig: String? = nil,
        prepareStateDirectory: (String) throws -> Void = { _ in }
    ) async throws {
        // Short: a Unix socket path has at most 107 bytes.
        directory = "/tmp/agentd-it-" + String(UInt32.random(in: .min ... .max), radix: 36)
        socket = directory + "/agentd.sock"
        stateDirectory = directory + "/state"
        workDirectory = directory + "/work"
        try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
        try prepareStateDirectory(stateDirectory)
        emulator = try ChildProcess("responses-emulator", ["--port", "0"] + emulatorArguments)
        emulatorURL = try await emulator.waitForLine { $0.hasPrefix("http://") }
        var arguments = ["--socket", socket, "--state-dir", stateDirectory]
        if let daemonConfig {
            let path = directory + "/agentd.toml"
            try daemonConfig.write(toFile: path, atomically: true, encoding: .utf8)
            arguments += ["--config", path]
        }
        daemonArguments = arguments
        let daemon = try Self.launchDaemon(arguments, emulatorURL: emulatorURL)
        currentDaemon = Mutex(daemon)
        _ = try await daemon.waitForLine { $0.contains("agentd ready") }
    }

    private static func launchDaemon(_ arguments: [String], emulatorURL: String) throws -> ChildProcess {
        try ChildProcess(
            "agentd", arguments,
            environment: ["OPENAI_BASE_URL": emulatorURL, "OPENAI_API_KEY": DaemonHarness.apiKey])
    }

    /// Kills agentd with SIGKILL (a crash: nothing is flushed or recorded), starts it again on the same socket
    /// and ledger, and returns once it is ready.
    func crashAndRestartDaemon() async throws {
        try await restartDaemon(signal: SIGKILL)
    }

    /// Stops agentd with `signal` (SIGTERM: a graceful stop; SIGKILL: a crash), starts it again on the same socket and
    /// ledger, and returns once it is ready.
    func restartDaemon(signal: Int32) async throws {
        daemon.signal(signal)
        _ = try await daemon.waitForExit(timeout: .seconds(10))
        let fresh = try Self.launchDaemon(daemonArguments, emulatorURL: emulatorURL)
        currentDaemon.withLock { $0 = fresh }
        _ = try await fresh.waitForLine { $0.contains("agentd ready") }
    }

    /// The key given to agentd; it must never show up in the ledger or the logs.
    static let apiKey = "sk-integration-secret-4f9c2e"

    /// Runs `agentctl` with `arguments` to completion.
    func agentctl(_ arguments: [String], timeout: Duration = .seconds(120)) async throws -> CommandResult {
        let child = try ChildProcess("agentctl", arguments, environment: ["AGENTD_SOCKET": socket], cwd: workDirectory)
        let status = try await child.waitForExit(timeout: timeout)
        return CommandResult(status: status, stdout: child.stdout, stderr: child.stderr)
    }

    /// What the emulator recorded: every WebSocket connection with the text frames it received.
    func emulatorRecording() async throws -> EmulatorRecording {
        let base = emulatorURL.replacingOccurrences(of: "/v1", with: "")
        let (data, _) = try await URLSession.shared.data(from: URL(string: base + "/emulator/recording")!)
        return try JSONDecoder().decode(EmulatorRecording.self, from: data)
    }

    func stop() async {
        daemon.signal(SIGTERM)
        _ = try? await daemon.waitForExit(timeout: .seconds(10))
        emulator.signal(SIGTERM)
        _ = try? await emulator.waitForExit(timeout: .seconds(10))
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Exit status and output lines of a finished command.
struct CommandResult {
    var status: Int32
    var stdout: [String]
    var stderr: [String]
}

/// The emulator's `/emulator/recording` document.
struct EmulatorRecording: Decodable {
    struct Connection: Decodable {
        var id: Int
        var inbound: [String]
    }

    var connections: [Connection]
    var violations: [String]
}
