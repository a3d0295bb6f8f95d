import AgentModel
import AgentProtocol
import Foundation
import TestSupport
import Testing

/// Thousands of malformed and random lines on several connections at once: every line gets at most an error,
/// every well-formed request interleaved with them is still answered, and the server keeps serving others.
///
/// The memory bound is checked by `FuzzMemoryEndToEndTests` on a real agentd process: here the server shares its
/// process with every other suite running in parallel, so this process's memory says nothing about the server's.
///
/// `AGENTD_FUZZ_LINES` sets the number of random lines (default 4,000; `scripts/campaign.sh` sends 100,000).
struct FuzzTests {
    static let connections = 4
    static let linesPerRound = 100
    /// Random lines in all, from `AGENTD_FUZZ_LINES`.
    static var totalLines: Int {
        ProcessInfo.processInfo.environment["AGENTD_FUZZ_LINES"].flatMap(Int.init).map { max($0, 400) } ?? 4_000
    }

    @Test func randomFramesNeverStopTheServerFromAnswering() async throws {
        let rounds = Self.totalLines / (Self.connections * Self.linesPerRound)
        try await TestServer.with { server in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for connection in 0..<Self.connections {
                    group.addTask {
                        var fuzzer = ControlFrameFuzzer(seed: UInt64(connection) &* 7919)
                        let raw = try await server.rawClient()
                        var answered = 0
                        for round in 0..<rounds {
                            for _ in 0..<Self.linesPerRound { try raw.sendRaw(fuzzer.nextLine() + [0x0A]) }
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
                        }
                        return answered
                    }
                }
                var total = 0
                for try await answered in group { total += answered }
                #expect(total == Self.connections * rounds)
            }
            // A well-behaved client arriving after the storm is served normally.
            let client = try await server.client(name: "after-the-storm")
            let status = try await client.call(DaemonStatus.self, EmptyObject())
            #expect(status.socketPath == server.socketPath)
        }
    }
}
