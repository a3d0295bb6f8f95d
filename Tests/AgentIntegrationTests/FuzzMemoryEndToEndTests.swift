import Foundation
import Testing
import TestSupport

/// The memory bound of the fuzz requirement, measured where only the server runs: a real agentd process gets
/// thousands of random and malformed lines on several connections, and its own resident memory (`/proc/<pid>`)
/// is read before and after. (The in-process `FuzzTests` cannot tell the control server's memory from that of the
/// other suites running in the same test process; it keeps the crash, hang and answer checks.)
///
/// Why the bound can fail: the daemon is first warmed up with the same storm (allocator arenas, buffers and code
/// paths touched once), then the measured storm sends `measuredRounds` × 100 lines per connection. Its growth
/// must stay under half the bytes of those lines; a server that kept every line it read (let alone its error
/// answer too) would grow by at least all of them.
@Suite(.serialized)
struct FuzzMemoryEndToEndTests {
    static let connections = 4
    static let linesPerRound = 100
    static let warmUpRounds = 10
    static let measuredRounds = 50

    @Test func randomFramesLeaveAgentdMemoryBounded() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let pid = harness.daemon.process.processIdentifier

        _ = try await Self.storm(harness.socket, rounds: Self.warmUpRounds, seed: 1)
        let settled = try #require(ProcessMemory(pid: pid))
        let storm = try await Self.storm(harness.socket, rounds: Self.measuredRounds, seed: 1_000)
        let after = try #require(ProcessMemory(pid: pid))

        let probes = Self.connections * Self.measuredRounds
        #expect(storm.probesAnswered == probes)
        #expect(storm.otherAnswers.isEmpty, "lines that answer nothing: \(storm.otherAnswers.prefix(3))")
        let limitKiB = storm.bytesSent / 2 / 1024
        let growthKiB = after.residentKiB - settled.residentKiB
        let peakGrowthKiB = after.peakResidentKiB - settled.peakResidentKiB
        #expect(
            growthKiB < limitKiB,
            "agentd grew by \(growthKiB) KiB over \(storm.bytesSent / 1024) KiB of fuzzed lines (\(settled) → \(after))")
        #expect(peakGrowthKiB < limitKiB, "agentd's peak grew by \(peakGrowthKiB) KiB (\(settled) → \(after))")

        // A well-behaved client after the storm is served normally.
        let status = try await onThread {
            let client = try ControlSocket(path: harness.socket)
            try client.initialize(name: "after-the-storm")
            return try client.call("daemon/status", [:])
        }
        #expect(status["socket_path"]?.stringValue == harness.socket)
    }

    /// What a storm sent and got back, over all connections.
    struct StormResult: Sendable {
        var bytesSent = 0
        var probesAnswered = 0
        var otherAnswers: [String] = []
    }

    /// `rounds` rounds per connection, all connections at once: 100 fuzzed lines, then a `daemon/status` probe whose
    /// answer must come after the error answers to the lines before it. Each connection runs on a thread of its own.
    static func storm(_ socket: String, rounds: Int, seed: UInt64) async throws -> StormResult {
        try await withThrowingTaskGroup(of: StormResult.self) { group in
            for connection in 0..<connections {
                group.addTask {
                    try await onThread {
                        try fuzzOneConnection(socket, rounds: rounds, seed: seed &+ UInt64(connection) &* 7919)
                    }
                }
            }
            var total = StormResult()
            for try await result in group {
                total.bytesSent += result.bytesSent
                total.probesAnswered += result.probesAnswered
                total.otherAnswers += result.otherAnswers
            }
            return total
        }
    }

    static func fuzzOneConnection(_ socket: String, rounds: Int, seed: UInt64) throws -> StormResult {
        var fuzzer = ControlFrameFuzzer(seed: seed)
        var result = StormResult()
        let client = try ControlSocket(path: socket)
        try client.initialize(name: "fuzz-\(seed)")
        for round in 0..<rounds {
            for _ in 0..<linesPerRound {
                let line = fuzzer.nextLine()
                try client.send(bytes: line)
                result.bytesSent += line.count + 1
            }
            let id = "probe-\(seed)-\(round)"
            try client.send(#"{"jsonrpc":"2.0","id":"\#(id)","method":"daemon/status","params":{}}"#)
            while let line = try client.readLine() {
                if line.contains(#""id":"\#(id)""#) {
                    if line.contains(#""result":"#) { result.probesAnswered += 1 } else { result.otherAnswers.append(line) }
                    break
                }
                // An error, or (a mutation can make a valid request) a result: anything else answers nothing.
                if !line.contains(#""error":"#) && !line.contains(#""result":"#) { result.otherAnswers.append(line) }
            }
        }
        return result
    }
}
