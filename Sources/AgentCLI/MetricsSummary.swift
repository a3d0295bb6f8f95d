/// What `agentctl stats` shows: latency percentiles and the daemon's counters, read from `daemon/metrics`.
struct MetricsSummary: Codable, Equatable {
    var latencies: [HistogramQuantiles]
    var eventsCommitted: Int
    /// Committed events per second over `rateWindowSeconds` (or since the daemon started when that is 0).
    var eventsPerSecond: Double
    var rateWindowSeconds: Double
    var ledgerBytes: Int64
    var upstreamReconnects: Int
    var turnRetries: Int
    var connectedClients: Int
    var attachedClients: Int
    var approvalsWaiting: Int
    var runsActive: Int

    /// The timers agentd exports, with the name each gets in the summary (the tool timer gets one row per tool).
    static let timers: [(metric: String, title: String)] = [
        ("agentd_upstream_lease_wait_seconds", "upstream queueing (lane wait)"),
        ("agentd_upstream_first_event_seconds", "time to first upstream event"),
        ("agentd_turn_overhead_seconds", "agentd overhead per turn"),
        ("agentd_ledger_commit_seconds", "ledger commit"),
    ]
    static let toolTimer = "agentd_tool_call_duration_seconds"

    /// - Parameters:
    ///   - metrics: the latest scrape.
    ///   - earlier: a scrape taken `window` seconds before, for the event rate (nil: average since start).
    ///   - now: seconds since 1970 at the latest scrape.
    init(_ metrics: PrometheusText, earlier: PrometheusText?, window: Double, now: Double) {
        func value(_ name: String, in text: PrometheusText = metrics) -> Double {
            text[name]?.samples.first?.value ?? 0
        }
        var latencies: [HistogramQuantiles] = []
        if let tools = metrics[Self.toolTimer] {
            let names = Set(tools.samples.compactMap { $0.labels["tool"] }).sorted()
            for tool in names {
                if let row = HistogramQuantiles(tools, name: "tool call (\(tool))", matching: ["tool": tool]) {
                    latencies.append(row)
                }
            }
        }
        for (metric, title) in Self.timers {
            if let family = metrics[metric], let row = HistogramQuantiles(family, name: title) { latencies.append(row) }
        }
        self.latencies = latencies
        let events = value("agentd_ledger_events_total")
        eventsCommitted = Int(events)
        if let earlier, window > 0 {
            eventsPerSecond = max(0, events - value("agentd_ledger_events_total", in: earlier)) / window
            rateWindowSeconds = window
        } else {
            let uptime = now - value("agentd_start_time_seconds")
            eventsPerSecond = uptime > 0 ? events / uptime : 0
            rateWindowSeconds = max(0, uptime)
        }
        ledgerBytes = Int64(value("agentd_ledger_size_bytes"))
        upstreamReconnects = Int(value("agentd_upstream_reconnects_total"))
        turnRetries = Int(value("agentd_upstream_turn_retries_total"))
        connectedClients = Int(value("agentd_connected_clients"))
        attachedClients = Int(value("agentd_attached_clients"))
        approvalsWaiting = Int(value("agentd_approvals_waiting"))
        runsActive = Int(value("agentd_runs_active"))
    }

    enum CodingKeys: String, CodingKey {
        case latencies
        case eventsCommitted = "events_committed"
        case eventsPerSecond = "events_per_second"
        case rateWindowSeconds = "rate_window_s"
        case ledgerBytes = "ledger_bytes"
        case upstreamReconnects = "upstream_reconnects"
        case turnRetries = "turn_retries"
        case connectedClients = "connected_clients"
        case attachedClients = "attached_clients"
        case approvalsWaiting = "approvals_waiting"
        case runsActive = "runs_active"
    }
}
