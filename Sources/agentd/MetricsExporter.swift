import AgentEngine
import AgentProtocol
import CoreMetrics
import Foundation
import Prometheus
import Synchronization

/// The daemon's swift-metrics backend (Prometheus, and ``StatsCollector`` for the typed `daemon/stats`) and the
/// gauges read at each scrape.
///
/// Libraries only use the swift-metrics API; this is the one place a backend is chosen and bootstrapped.
final class MetricsExporter: Sendable {
    /// What the daemon knows at scrape time.
    struct Snapshot {
        var ledgerBytes: Int64
        var attachedClients: Int
        var connectedClients: Int
        var approvalsWaiting: Int
        var runsActive: Int
        /// Reconnects of the upstream connections, summed over the pool.
        var upstreamReconnects: Int
    }

    /// Names of the metrics this type owns (the engine's are in ``EngineMetrics/Name``).
    enum Name {
        static let ledgerEvents = "agentd_ledger_events_total"
        static let ledgerBytes = "agentd_ledger_size_bytes"
        static let attachedClients = "agentd_attached_clients"
        static let connectedClients = "agentd_connected_clients"
        static let approvalsWaiting = "agentd_approvals_waiting"
        static let runsActive = "agentd_runs_active"
        static let upstreamReconnects = "agentd_upstream_reconnects_total"
        static let startTime = "agentd_start_time_seconds"
    }

    /// Histogram buckets for every timer: from 50 µs (a commit, agentd's own part of a turn) to 2 min (a tool).
    static let durationBuckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
        .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
        .seconds(10), .seconds(30), .seconds(60), .seconds(120),
    ]

    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory
    /// The same observations as values, for `daemon/stats`.
    let stats = StatsCollector(buckets: MetricsExporter.durationBuckets)
    /// Both backends: what the process-wide metrics system and this type's own counters record into.
    private let both: MultiplexMetricsHandler
    private let startedAt = Date()
    private let events: CoreMetrics.Counter
    private let reconnects: CoreMetrics.Counter
    private let reconnectsSeen = Mutex(0)
    private let gauges: [String: CoreMetrics.Gauge]

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        self.factory = factory
        both = MultiplexMetricsHandler(factories: [factory, stats])
        events = CoreMetrics.Counter(label: Name.ledgerEvents, factory: both)
        reconnects = CoreMetrics.Counter(label: Name.upstreamReconnects, factory: both)
        let names = [
            Name.ledgerBytes, Name.attachedClients, Name.connectedClients, Name.approvalsWaiting, Name.runsActive,
            Name.startTime,
        ]
        gauges = Dictionary(uniqueKeysWithValues: names.map { ($0, CoreMetrics.Gauge(label: $0, factory: factory)) })
        gauges[Name.startTime]?.record(startedAt.timeIntervalSince1970)
    }

    /// Makes this the process-wide swift-metrics backend (once, before the engine makes its handles).
    func bootstrap() {
        MetricsSystem.bootstrap(both)
    }

    /// Counts events right after the ledger committed them (called on the writer thread; one atomic add).
    func committed(_ count: Int) {
        events.increment(by: count)
    }

    /// Updates the scrape-time gauges and returns every metric in the Prometheus text format.
    func render(_ snapshot: Snapshot) -> String {
        update(snapshot)
        return registry.emitToString()
    }

    /// The typed measurements for `daemon/stats`, with the gauges read now.
    func stats(_ snapshot: Snapshot, now: Date = Date()) -> DaemonStats.Result {
        update(snapshot)
        return DaemonStats.Result(
            startedAtMillis: Int64(startedAt.timeIntervalSince1970 * 1000),
            takenAtMillis: Int64(now.timeIntervalSince1970 * 1000),
            eventsCommitted: stats.total(Name.ledgerEvents), ledgerBytes: snapshot.ledgerBytes,
            upstreamReconnects: stats.total(Name.upstreamReconnects),
            turnRetries: stats.total(EngineMetrics.Name.turnRetries), connectedClients: snapshot.connectedClients,
            attachedClients: snapshot.attachedClients, approvalsWaiting: snapshot.approvalsWaiting,
            runsActive: snapshot.runsActive, timers: stats.timerStats())
    }

    /// Records the scrape-time gauges, and the reconnects the pool counted since the last call.
    private func update(_ snapshot: Snapshot) {
        gauges[Name.ledgerBytes]?.record(snapshot.ledgerBytes)
        gauges[Name.attachedClients]?.record(snapshot.attachedClients)
        gauges[Name.connectedClients]?.record(snapshot.connectedClients)
        gauges[Name.approvalsWaiting]?.record(snapshot.approvalsWaiting)
        gauges[Name.runsActive]?.record(snapshot.runsActive)
        // The pool reports totals per connection; the counter only ever moves forward by what is new.
        let delta = reconnectsSeen.withLock { seen -> Int in
            defer { seen = max(seen, snapshot.upstreamReconnects) }
            return max(0, snapshot.upstreamReconnects - seen)
        }
        if delta > 0 { reconnects.increment(by: delta) }
    }

    /// Bytes of the ledger on disk: the database file and its write-ahead log.
    static func ledgerBytes(path: String) -> Int64 {
        [path, path + "-wal"].reduce(Int64(0)) { total, file in
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value
            return total + (size ?? 0)
        }
    }
}
