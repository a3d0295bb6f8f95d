import CoreMetrics

/// The engine's measurements, through the swift-metrics API (the daemon chooses the backend).
///
/// Handles are made once, when the engine starts; the hot path only records into them. Nothing here is
/// recorded per streamed delta: per turn, per tool call and per durable commit only.
public struct EngineMetrics: Sendable {
    /// Metric names, shared with the exporter and `agentctl stats`.
    public enum Name {
        public static let toolCallDuration = "agentd_tool_call_duration_seconds"
        public static let upstreamLeaseWait = "agentd_upstream_lease_wait_seconds"
        public static let firstUpstreamEvent = "agentd_upstream_first_event_seconds"
        public static let turnOverhead = "agentd_turn_overhead_seconds"
        public static let ledgerCommit = "agentd_ledger_commit_seconds"
        public static let turnRetries = "agentd_upstream_turn_retries_total"
    }

    private let factory: any MetricsFactory
    private let leaseWait: CoreMetrics.Timer
    private let firstEvent: CoreMetrics.Timer
    private let overhead: CoreMetrics.Timer
    private let commit: CoreMetrics.Timer
    private let retries: Counter

    /// - Parameter factory: where the metrics go; by default the process-wide `MetricsSystem` (a no-op until
    ///   the daemon bootstraps a backend). Tests pass their own factory instead of bootstrapping.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        leaseWait = CoreMetrics.Timer(label: Name.upstreamLeaseWait, factory: factory)
        firstEvent = CoreMetrics.Timer(label: Name.firstUpstreamEvent, factory: factory)
        overhead = CoreMetrics.Timer(label: Name.turnOverhead, factory: factory)
        commit = CoreMetrics.Timer(label: Name.ledgerCommit, factory: factory)
        retries = Counter(label: Name.turnRetries, factory: factory)
    }

    /// One finished tool call, by tool name (a small, configured set, so the label stays bounded).
    func toolCall(_ tool: String, _ duration: Duration) {
        // The backend caches the handle by name and labels; this lookup happens once per tool call.
        CoreMetrics.Timer(label: Name.toolCallDuration, dimensions: [("tool", tool)], factory: factory)
            .recordNanoseconds(duration.nanoseconds)
    }

    /// Time a run waited for an upstream lane (queueing behind other runs, or a connect).
    func leaseWaited(_ duration: Duration) { leaseWait.recordNanoseconds(duration.nanoseconds) }

    /// From sending `response.create` to the first frame of the response.
    func firstEventArrived(after duration: Duration) { firstEvent.recordNanoseconds(duration.nanoseconds) }

    /// The part of a turn agentd spent itself (the turn's wall time minus the time spent awaiting upstream frames).
    func turnFinished(overhead duration: Duration) { overhead.recordNanoseconds(duration.nanoseconds) }

    /// One durable ledger commit as the run waited for it.
    func committed(in duration: Duration) { commit.recordNanoseconds(duration.nanoseconds) }

    /// A turn that failed on the upstream connection and is retried on a new one.
    func turnRetried() { retries.increment() }
}

extension Duration {
    /// Whole nanoseconds (saturating at `Int64.max`, some 292 years).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled + attoseconds / 1_000_000_000
    }
}
