import AgentControl
import AgentEngine
import AgentProtocol

extension EngineControlBackend {
    /// `daemon/metrics`: reads the gauges' current values, then renders every family.
    func metricsText(connectedClients: Int) async -> String {
        guard let metrics else { return "" }
        return metrics.exporter.render(await snapshot(metrics, connectedClients: connectedClients))
    }

    /// `daemon/stats`: the same measurements as typed values.
    func stats(connectedClients: Int) async -> DaemonStats.Result? {
        guard let metrics else { return nil }
        return metrics.exporter.stats(await snapshot(metrics, connectedClients: connectedClients))
    }

    private func snapshot(_ metrics: MetricsSource, connectedClients: Int) async -> MetricsExporter.Snapshot {
        let reconnects = await upstream.status().reduce(0) { $0 + $1.reconnects }
        return MetricsExporter.Snapshot(
            ledgerBytes: MetricsExporter.ledgerBytes(path: metrics.ledgerPath),
            attachedClients: metrics.hub.subscriptionCount, connectedClients: connectedClients,
            approvalsWaiting: await manager.pendingApprovals(nil).count, runsActive: await manager.activeRunCount,
            upstreamReconnects: reconnects)
    }
}

/// What the backend needs to answer `daemon/metrics`.
struct MetricsSource: Sendable {
    let exporter: MetricsExporter
    let hub: EventHub
    let ledgerPath: String
}
