import AgentProtocol

/// What `agentctl stats` shows: latency percentiles and the daemon's counters, from `daemon/stats`.
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
    ///   - stats: the latest answer.
    ///   - earlier: an answer taken before, for the event rate between the two (nil: the average since start).
    init(_ stats: DaemonStats.Result, earlier: DaemonStats.Result?) {
        var latencies = stats.timers.filter { $0.metric == Self.toolTimer }
            .sorted { ($0.labels["tool"] ?? "") < ($1.labels["tool"] ?? "") }
            .map { HistogramQuantiles($0, name: "tool call (\($0.labels["tool"] ?? "?"))") }
        for (metric, title) in Self.timers {
            latencies += stats.timers.filter { $0.metric == metric }.map { HistogramQuantiles($0, name: title) }
        }
        self.latencies = latencies
        eventsCommitted = stats.eventsCommitted
        let window: Int64
        let events: Int
        if let earlier, stats.takenAtMillis > earlier.takenAtMillis {
            window = stats.takenAtMillis - earlier.takenAtMillis
            events = stats.eventsCommitted - earlier.eventsCommitted
        } else {
            window = stats.takenAtMillis - stats.startedAtMillis
            events = stats.eventsCommitted
        }
        rateWindowSeconds = max(0, Double(window) / 1000)
        eventsPerSecond = rateWindowSeconds > 0 ? max(0, Double(events)) / rateWindowSeconds : 0
        ledgerBytes = stats.ledgerBytes
        upstreamReconnects = stats.upstreamReconnects
        turnRetries = stats.turnRetries
        connectedClients = stats.connectedClients
        attachedClients = stats.attachedClients
        approvalsWaiting = stats.approvalsWaiting
        runsActive = stats.runsActive
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
