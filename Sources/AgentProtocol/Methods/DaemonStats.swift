/// `daemon/stats`: the daemon's measurements as typed values, with latency percentiles (what `agentctl stats` shows).
///
/// The same measurements as `daemon/metrics`, which gives them in the Prometheus text format for scrapers.
public enum DaemonStats: ControlMethod {
    public static let name = "daemon/stats"

    public typealias Params = EmptyObject

    public struct Result: Codable, Sendable, Equatable {
        /// When the daemon started (Unix milliseconds).
        public var startedAtMillis: Int64
        /// When these values were read (Unix milliseconds, the daemon's clock): rates between two answers use it.
        public var takenAtMillis: Int64
        /// Events committed to the ledger since the daemon started.
        public var eventsCommitted: Int
        /// The ledger file plus its write-ahead log, in bytes.
        public var ledgerBytes: Int64
        /// Reconnects of the upstream connections.
        public var upstreamReconnects: Int
        /// Turns retried after the upstream failed them.
        public var turnRetries: Int
        /// Control connections.
        public var connectedClients: Int
        /// Live subscriptions to runs.
        public var attachedClients: Int
        /// Tool calls waiting for a decision.
        public var approvalsWaiting: Int
        /// Runs with a driver.
        public var runsActive: Int
        /// Every timer with at least one observation, sorted by metric name, then labels.
        public var timers: [Timer]

        /// Creates the value.
        public init(
            startedAtMillis: Int64, takenAtMillis: Int64, eventsCommitted: Int, ledgerBytes: Int64,
            upstreamReconnects: Int, turnRetries: Int, connectedClients: Int, attachedClients: Int,
            approvalsWaiting: Int, runsActive: Int, timers: [Timer]
        ) {
            self.startedAtMillis = startedAtMillis
            self.takenAtMillis = takenAtMillis
            self.eventsCommitted = eventsCommitted
            self.ledgerBytes = ledgerBytes
            self.upstreamReconnects = upstreamReconnects
            self.turnRetries = turnRetries
            self.connectedClients = connectedClients
            self.attachedClients = attachedClients
            self.approvalsWaiting = approvalsWaiting
            self.runsActive = runsActive
            self.timers = timers
        }

        enum CodingKeys: String, CodingKey {
            case startedAtMillis = "started_at_ms"
            case takenAtMillis = "taken_at_ms"
            case eventsCommitted = "events_committed"
            case ledgerBytes = "ledger_bytes"
            case upstreamReconnects = "upstream_reconnects"
            case turnRetries = "turn_retries"
            case connectedClients = "connected_clients"
            case attachedClients = "attached_clients"
            case approvalsWaiting = "approvals_waiting"
            case runsActive = "runs_active"
            case timers
        }
    }

    /// One timer (a histogram in `daemon/metrics`): how many observations, their sum, and percentiles.
    ///
    /// Percentiles are interpolated within the histogram's buckets, as Prometheus' `histogram_quantile` does.
    public struct Timer: Codable, Sendable, Equatable {
        /// The metric's name, as in `daemon/metrics` (e.g. `agentd_tool_call_duration_seconds`).
        public var metric: String
        /// The series' labels (e.g. `tool`); empty for most timers.
        public var labels: [String: String]
        public var count: Int
        /// Seconds, over every observation.
        public var sumSeconds: Double
        /// Seconds.
        public var p50Seconds: Double
        public var p95Seconds: Double
        public var p99Seconds: Double

        /// Creates the value.
        public init(
            metric: String, labels: [String: String] = [:], count: Int, sumSeconds: Double, p50Seconds: Double,
            p95Seconds: Double, p99Seconds: Double
        ) {
            self.metric = metric
            self.labels = labels
            self.count = count
            self.sumSeconds = sumSeconds
            self.p50Seconds = p50Seconds
            self.p95Seconds = p95Seconds
            self.p99Seconds = p99Seconds
        }

        enum CodingKeys: String, CodingKey {
            case metric, labels, count
            case sumSeconds = "sum_s"
            case p50Seconds = "p50_s"
            case p95Seconds = "p95_s"
            case p99Seconds = "p99_s"
        }
    }
}
