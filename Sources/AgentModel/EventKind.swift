/// Where a ledger event came from.
public enum EventKind: String, Codable, Sendable, CaseIterable {
    /// The run's own lifecycle (started, completed, failed, …), written by the engine.
    case run
    /// A frame agentd sent upstream, stored byte for byte.
    case upstreamOut = "upstream_out"
    /// A frame the upstream sent, stored byte for byte.
    case upstreamIn = "upstream_in"
    /// A tool call's start or finish.
    case tool
    /// A control command a client sent that concerns this run.
    case control
}
