import ArgumentParser
import Foundation

import Glibc

/// Starts the agentd binary on a prepared state directory and times how long until its control socket answers
/// `initialize`; then stops it with SIGKILL (a process crash: the next start-up recovers the same unfinished runs
/// and, in the same boot, skips `quick_check`) or SIGTERM (a clean shutdown: the next start-up skips it too).
struct DaemonStartupProbe {
    let binary: String
    let socket: String
    let stateDirectory: String
    /// The daemon's stderr, read back for the `integrity_check` of its "ledger opened" line.
    let logPath: String

    init(binary: String, directory: String, stateDirectory: String) throws {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError("no agentd binary at \(binary); build it (--product agentd) or pass --agentd")
        }
        self.binary = binary
        socket = directory + "/agentd.sock"
        self.stateDirectory = stateDirectory
        logPath = directory + "/agentd.log"
        try? FileManager.default.removeItem(atPath: socket)
    }

    /// Deletes the ledger's session markers from the runtime directory (the socket's), as a power loss or an OS
    /// crash would (the marker is not fsynced, and the directory is a tmpfs under systemd).
    func forgetSessionMarkers() throws {
        let directory = (socket as NSString).deletingLastPathComponent
        for name in try FileManager.default.contentsOfDirectory(atPath: directory)
        where name.hasPrefix("agentd-ledger-") && name.hasSuffix(".session") {
            try FileManager.default.removeItem(atPath: directory + "/" + name)
        }
    }

    /// The `integrity_check` value agentd logged at the last start ("?" when there is no such line).
    func loggedIntegrityCheck() -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        guard let line = text.split(separator: "\n").first(where: { $0.contains("ledger opened") }),
            let range = line.range(of: "integrity_check=")
        else { return "?" }
        return String(line[range.upperBound...].prefix { !$0.isWhitespace })
    }

    /// Milliseconds from spawning agentd to the first answer on its socket (`ready`); agentd is then stopped with
    /// `stopSignal` and waited for (after SIGTERM it must exit 0 within `timeout`), and `stop` is the milliseconds
    /// from that signal to its exit.
    func startAndStop(stopSignal: Int32, timeout: Duration = .seconds(120)) throws -> (ready: Double, stop: Double) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--socket", socket, "--state-dir", stateDirectory]
        // Recovered runs try this unreachable upstream and back off; start-up does not wait for it.
        process.environment = [
            "OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_API_KEY": "sk-bench", "PATH": "/usr/bin:/bin",
        ]
        process.standardOutput = FileHandle.nullDevice
        FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: logPath) ?? FileHandle.nullDevice
        let clock = ContinuousClock()
        let start = clock.now
        try process.run()
        var millis: Double?
        while millis == nil, clock.now - start < timeout {
            guard process.isRunning else { throw ValidationError("agentd exited with \(process.terminationStatus)") }
            if answersInitialize() {
                let elapsed = clock.now - start
                millis = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            } else {
                usleep(500)
            }
        }
        let stopping = clock.now
        try stop(process, with: millis == nil ? SIGKILL : stopSignal, timeout: timeout)
        let stopped = clock.now - stopping
        guard let millis else { throw ValidationError("agentd did not answer on \(socket) within \(timeout)") }
        return (millis, Double(stopped.components.seconds) * 1000 + Double(stopped.components.attoseconds) / 1e15)
    }

    /// Sends `signal` and waits for the exit; a SIGTERM that does not lead to exit status 0 in time is an error.
    private func stop(_ process: Process, with signal: Int32, timeout: Duration) throws {
        kill(process.processIdentifier, signal)
        guard signal == SIGTERM else {
            process.waitUntilExit()
            return
        }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { usleep(2000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw ValidationError("agentd did not exit within \(timeout) after SIGTERM")
        }
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw ValidationError("agentd exited with \(process.terminationStatus) after SIGTERM")
        }
    }

    /// Whether a connection to the socket gets an answer to `initialize`.
    private func answersInitialize() -> Bool {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(socket.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            for (index, byte) in bytes.enumerated() { path[index] = byte }
            path[bytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else { return false }
        let request = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocol_version":"1.0","client":{"name":"agentd-bench","version":"1"}}}"# + "\n"
        guard request.withCString({ write(fd, $0, strlen($0)) }) > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var received: [UInt8] = []
        while !received.contains(UInt8(ascii: "\n")) {
            let count = read(fd, &buffer, buffer.count)
            guard count > 0 else { return false }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self).contains(#""result""#)
    }
}
