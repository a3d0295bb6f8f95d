import AgentProtocol
import CoreMetrics
import Testing

@testable import agentd

/// `daemon/stats` from the same observations as `daemon/metrics` (issue 15 item 6): typed, no text parsed back.
struct StatsCollectorTests {
    @Test func percentilesAreInterpolatedWithinBucketsAsHistogramQuantileDoes() {
        var histogram = Histogram(bounds: [1_000_000, 2_000_000, 4_000_000])
        // Two observations in (1 ms, 2 ms], two in (2 ms, 4 ms].
        for nanoseconds: Int64 in [1_500_000, 2_000_000, 3_000_000, 4_000_000] { histogram.record(nanoseconds) }
        #expect(histogram.count == 4)
        #expect(histogram.quantile(0.5) == 0.002)
        #expect(histogram.quantile(0.75) == 0.003)
        #expect(histogram.quantile(1) == 0.004)
        #expect(Histogram(bounds: [1]).quantile(0.5) == nil)
    }

    @Test func anObservationAboveEveryBoundAnswersTheLargestBound() {
        var histogram = Histogram(bounds: [1_000_000, 2_000_000])
        histogram.record(9_000_000_000)
        #expect(histogram.quantile(0.99) == 0.002)
    }

    @Test func theExportersStatsCountWhatThePrometheusTextCounts() {
        let exporter = MetricsExporter()
        // Through the exporter's backends, as the engine records after bootstrap (without bootstrapping here).
        let factory = MultiplexMetricsHandler(factories: [exporter.factory, exporter.stats])
        let shell = CoreMetrics.Timer(label: "agentd_tool_call_duration_seconds", dimensions: [("tool", "shell")], factory: factory)
        shell.recordNanoseconds(3_000_000)
        shell.recordNanoseconds(3_000_000)
        CoreMetrics.Timer(label: "agentd_turn_overhead_seconds", factory: factory).recordNanoseconds(400_000)
        CoreMetrics.Counter(label: "agentd_upstream_turn_retries_total", factory: factory).increment(by: 2)
        exporter.committed(7)
        let snapshot = MetricsExporter.Snapshot(
            ledgerBytes: 4096, attachedClients: 1, connectedClients: 2, approvalsWaiting: 0, runsActive: 1,
            upstreamReconnects: 3)
        let stats = exporter.stats(snapshot)
        #expect(stats.eventsCommitted == 7)
        #expect(stats.turnRetries == 2)
        #expect(stats.upstreamReconnects == 3)
        #expect(stats.ledgerBytes == 4096)
        #expect(stats.timers.map(\.metric) == ["agentd_tool_call_duration_seconds", "agentd_turn_overhead_seconds"])
        #expect(stats.timers.first?.labels == ["tool": "shell"])
        #expect(stats.timers.first?.count == 2)
        // Both in (2.5 ms, 5 ms]: the median interpolates to the bucket's middle.
        #expect(abs((stats.timers.first?.p50Seconds ?? 0) - 0.00375) < 1e-9)
        let text = exporter.render(snapshot)
        #expect(text.contains(#"agentd_tool_call_duration_seconds_count{tool="shell"} 2"#))
        #expect(text.contains("agentd_ledger_events_total 7"))
    }
}
