import AgentProtocol

extension ControlBackend {
    /// A backend without measurements answers `daemon/metrics` with an empty exposition (no families).
    public func metricsText(connectedClients: Int) async -> String { "" }

    /// A backend without measurements keeps no stats (the server then answers `daemon/stats` with zeros).
    public func stats(connectedClients: Int) async -> DaemonStats.Result? { nil }
}
