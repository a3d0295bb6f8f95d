import AgentProtocol

extension ControlBackend {
    /// A backend without measurements answers `daemon/metrics` with an empty exposition (no families).
    public func metricsText(connectedClients: Int) async -> String { "" }
}
