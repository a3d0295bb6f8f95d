import Foundation
import Testing
import TestSupport

@testable import AgentBenchKit

@Suite("ToolBenchmark")
struct ToolBenchmarkTests {
    /// Set `AGENTD_TOOL_BENCH=<iterations>` to print the spawn overhead; otherwise a 5-call smoke run.
    @Test func spawnOverhead() async {
        let iterations = ProcessInfo.processInfo.environment["AGENTD_TOOL_BENCH"].flatMap(Int.init) ?? 5
        let result = await ToolBenchmark.spawnOverhead(iterations: iterations)
        print(
            "shell 'true' end to end over \(iterations) calls: p50 \(result.p50Millis) ms, p99 \(result.p99Millis) ms")
        #expect(result.p50Millis > 0 && result.p50Millis <= result.p99Millis)
    }
}
