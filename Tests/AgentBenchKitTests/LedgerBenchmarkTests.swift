import Foundation
import Testing
import TestSupport

@testable import AgentBenchKit

@Suite struct LedgerBenchmarkTests {
    /// Small by default; `AGENTD_LEDGER_BENCH_EVENTS=1000000 swift test --filter LedgerBenchmarkTests` measures.
    @Test func benchmarkRunsAndReportsEveryNumber() async throws {
        let environment = ProcessInfo.processInfo.environment
        let events = environment["AGENTD_LEDGER_BENCH_EVENTS"].flatMap(Int.init) ?? 2000
        let directory = try TemporaryDirectory()

        let result = try await LedgerBenchmark.run(
            directory: directory.path, events: events, latencyAppends: events >= 100_000 ? 1000 : 50
        )

        print(result)
        #expect(result.events == events)
        #expect(result.streamedFullPerSecond > 0)
        #expect(result.streamedNormalPerSecond > 0)
        #expect(result.interleavedFullPerSecond > 0)
        #expect(result.appendLatencyP99Millis >= result.appendLatencyP50Millis)
        #expect(result.readBackPerSecond > 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [])
    }
}
