import AgentControl
import AgentEngine

extension EngineControlBackend {
    /// `daemon/metrics`: reads the gauges' current values, then renders every family.
    func metricsText(connectedClients: Int) async -> String {
        guard let metrics else { return "" }
        let reconnects = await upstream.status().reduce(0) { $0 + $1.reconnects }
        let snapshot = MetricsExporter.Snapshot(
            ledgerBytes: MetricsExporter.ledgerBytes(path: metrics.ledgerPath),
            attachedClients: metrics.hub.subscriptionCount, connectedClients: connectedClients,
            approvalsWaiting: await manager.pendingApprovals(nil).count, runsActive: await manager.activeRunCount,
            upstreamReconnects: reconnects)
        return metrics.exporter.render(snapshot)
    }
}

/// What the backend needs to answer `daemon/metrics`.
struct MetricsSource: Sendable {
    let exporter: MetricsExporter
    let hub: EventHub
    let ledgerPath: String
}
