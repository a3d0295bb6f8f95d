import AgentProtocol

/// One row of `agentctl stats`' latency table: a daemon timer under a readable name.
struct HistogramQuantiles: Codable, Equatable {
    /// What was measured (e.g. `tool call (shell)`).
    var name: String
    var count: Int
    /// Seconds, summed over every observation.
    var sum: Double
    /// Seconds; `nil` when nothing was observed.
    var p50: Double?
    var p95: Double?
    var p99: Double?

    init(_ timer: DaemonStats.Timer, name: String) {
        self.name = name
        count = timer.count
        sum = timer.sumSeconds
        p50 = timer.count > 0 ? timer.p50Seconds : nil
        p95 = timer.count > 0 ? timer.p95Seconds : nil
        p99 = timer.count > 0 ? timer.p99Seconds : nil
    }
}
