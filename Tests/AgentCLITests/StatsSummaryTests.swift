@testable import AgentCLI
import AgentProtocol
import Testing

/// `agentctl stats` reads the typed `daemon/stats` (issue 15 item 6): rows named for people, rates between answers.
struct StatsSummaryTests {
    private static func stats(takenAt: Int64, events: Int) -> DaemonStats.Result {
        DaemonStats.Result(
            startedAtMillis: 0, takenAtMillis: takenAt, eventsCommitted: events, ledgerBytes: 4096,
            upstreamReconnects: 1, turnRetries: 2, connectedClients: 3, attachedClients: 1, approvalsWaiting: 0,
            runsActive: 1,
            timers: [
                .init(
                    metric: "agentd_turn_overhead_seconds", count: 3, sumSeconds: 0.003, p50Seconds: 0.001,
                    p95Seconds: 0.002, p99Seconds: 0.002),
                .init(
                    metric: "agentd_tool_call_duration_seconds", labels: ["tool": "shell"], count: 2, sumSeconds: 0.5,
                    p50Seconds: 0.25, p95Seconds: 0.5, p99Seconds: 0.5),
                .init(
                    metric: "agentd_tool_call_duration_seconds", labels: ["tool": "apply_patch"], count: 1,
                    sumSeconds: 0.01, p50Seconds: 0.01, p95Seconds: 0.01, p99Seconds: 0.01),
            ])
    }

    @Test func toolRowsComeFirstByNameThenTheDaemonTimersInTheirOrder() {
        let summary = MetricsSummary(Self.stats(takenAt: 10_000, events: 50), earlier: nil)
        #expect(summary.latencies.map(\.name) == ["tool call (apply_patch)", "tool call (shell)", "agentd overhead per turn"])
        #expect(summary.latencies[1] == HistogramQuantiles(Self.stats(takenAt: 0, events: 0).timers[1], name: "tool call (shell)"))
        // No earlier answer: the average since the daemon started.
        #expect(summary.eventsPerSecond == 5)
        #expect(summary.rateWindowSeconds == 10)
    }

    @Test func theEventRateIsTakenBetweenTwoAnswersOnTheDaemonsClock() {
        let summary = MetricsSummary(
            Self.stats(takenAt: 12_000, events: 80), earlier: Self.stats(takenAt: 10_000, events: 50))
        #expect(summary.eventsPerSecond == 15)
        #expect(summary.rateWindowSeconds == 2)
        #expect(summary.eventsCommitted == 80)
    }
}
