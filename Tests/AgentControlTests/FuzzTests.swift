import AgentModel
import AgentProtocol
import Foundation
import Testing

/// Thousands of malformed and random lines on several connections at once: every line gets at most an error,
/// every well-formed request interleaved with them is still answered, the server keeps serving others, and the
/// process's resident memory stays bounded.
///
/// `AGENTD_FUZZ_LINES` sets the number of random lines (default 4,000; `scripts/campaign.sh` sends 100,000).
struct FuzzTests {
    static let connections = 4
    static let linesPerRound = 100
    /// Random lines in all, from `AGENTD_FUZZ_LINES`.
    static var totalLines: Int {
        ProcessInfo.processInfo.environment["AGENTD_FUZZ_LINES"].flatMap(Int.init).map { max($0, 400) } ?? 4_000
    }
    /// How much the resident set may grow over the storm, whatever its length: the server buffers at most one line
    /// (≤ 1 MiB) and a bounded outbound queue per connection.
    static let rssGrowthLimit = 64 << 20

    /// The resident set size of this process (the server runs in it), from `/proc/self/statm`.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// A small deterministic random source, so a failing seed can be replayed.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let templates = [
        #"{"jsonrpc":"2.0","id":1,"method":"run/get","params":{"run_id":42}}"#,
        #"{"jsonrpc":"2.0","id":[],"method":"run/start","params":{"prompt":""}}"#,
        #"{"jsonrpc":"1.0","id":2,"method":"daemon/status"}"#,
        #"{"jsonrpc":"2.0","id":3,"method":"run/attach","params":{"run_id":"run_nope","from_seq":-5}}"#,
        #"{"jsonrpc":"2.0","id":4,"method":"approval/resolve","params":{"run_id":"run_x","call_id":7,"approve":"yes"}}"#,
        #"{"jsonrpc":"2.0","method":"run/cancel","params":{"run_id":"run_x"}}"#,
        #"{"jsonrpc":"2.0","id":5,"method":"\u0000","params":null}"#,
        #"[1,2,3]"#, #"null"#, #"{}"#, #""just a string""#, "{\"id\":1e999}",
        String(repeating: "[", count: 2_000), String(repeating: "{\"a\":", count: 300),
    ]

    /// One random line: a mutated template, a truncated one, or random bytes (never a newline).
    static func garbage(_ random: inout SplitMix64) -> [UInt8] {
        let template = Array(templates.randomElement(using: &random)!.utf8)
        switch random.next() % 4 {
        case 0:
            return Array(template.prefix(Int(random.next() % UInt64(template.count + 1))))
        case 1:
            var bytes = template
            for _ in 0..<(1 + random.next() % 4) where !bytes.isEmpty {
                bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
            }
            return bytes.filter { $0 != 0x0A }
        case 2:
            return (0..<(random.next() % 200)).map { _ in UInt8(truncatingIfNeeded: random.next()) }.filter { $0 != 0x0A }
        default:
            return template
        }
    }

    @Test func randomFramesNeverStopTheServerFromAnswering() async throws {
        let rounds = Self.totalLines / (Self.connections * Self.linesPerRound)
        try await TestServer.with { server in
            let baseline = Self.residentBytes()
            let peak = PeakGauge(baseline)
            try await withThrowingTaskGroup(of: Int.self) { group in
                for connection in 0..<Self.connections {
                    group.addTask {
                        var random = SplitMix64(state: UInt64(connection) &* 7919)
                        let raw = try await server.rawClient()
                        var answered = 0
                        for round in 0..<rounds {
                            for _ in 0..<Self.linesPerRound { try raw.sendRaw(Self.garbage(&random) + [0x0A]) }
                            let id = "probe-\(connection)-\(round)"
                            try raw.send(#"{"jsonrpc":"2.0","id":"\#(id)","method":"daemon/status","params":{}}"#)
                            // Error answers to the garbage come first; the probe's answer must follow.
                            while let reply = try await raw.readJSON(timeout: 20) {
                                if reply["id"]?.stringValue == id {
                                    #expect(reply["result"]?["socket_path"]?.stringValue == server.socketPath)
                                    answered += 1
                                    break
                                }
                                #expect(reply["error"] != nil)
                            }
                            let resident = Self.residentBytes()
                            peak.observe(resident)
                        }
                        return answered
                    }
                }
                var total = 0
                for try await answered in group { total += answered }
                #expect(total == Self.connections * rounds)
            }
            let growth = peak.value - baseline
            #expect(growth < Self.rssGrowthLimit, "resident memory grew by \(growth >> 20) MiB")
            // A well-behaved client arriving after the storm is served normally.
            let client = try await server.client(name: "after-the-storm")
            let status = try await client.call(DaemonStatus.self, EmptyObject())
            #expect(status.socketPath == server.socketPath)
        }
    }
}

/// The highest value observed, shared by the fuzzing tasks.
final class PeakGauge: @unchecked Sendable {
    private let lock = NSLock()
    private var peak: Int

    init(_ initial: Int) { peak = initial }

    func observe(_ value: Int) { lock.withLock { peak = max(peak, value) } }

    var value: Int { lock.withLock { peak } }
}
