import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Starts the agentd binary on a prepared state directory and times how long until its control socket answers
/// `initialize`; then kills it with SIGKILL, so the next start-up recovers the same unfinished runs again.
struct DaemonStartupProbe {
    let binary: String
    let socket: String
    let stateDirectory: String

    init(binary: String, directory: String, stateDirectory: String) throws {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError("no agentd binary at \(binary); build it (--product agentd) or pass --agentd")
        }
        self.binary = binary
        socket = directory + "/agentd.sock"
        self.stateDirectory = stateDirectory
        try? FileManager.default.removeItem(atPath: socket)
    }

    /// Milliseconds from spawning agentd to the first answer on its socket.
    func timeUntilReady(timeout: Duration = .seconds(60)) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--socket", socket, "--state-dir", stateDirectory]
        // Recovered runs try this unreachable upstream and back off; start-up does not wait for it.
        process.environment = [
            "OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_API_KEY": "sk-bench", "PATH": "/usr/bin:/bin",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let clock = ContinuousClock()
        let start = clock.now
        try process.run()
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        while clock.now - start < timeout {
            guard process.isRunning else { throw ValidationError("agentd exited with \(process.terminationStatus)") }
            if answersInitialize() {
                let elapsed = clock.now - start
                return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            }
            usleep(500)
        }
        throw ValidationError("agentd did not answer on \(socket) within \(timeout)")
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
