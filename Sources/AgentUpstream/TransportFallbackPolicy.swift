/// When `transport = auto` gives up on WebSocket: a pure fold over the pool's connection events.
///
/// Falls back at once when an upgrade is refused with HTTP 426 (the server says "use HTTP streaming"), and after
/// `threshold` failed connect attempts in a row (across all slots) while no connection is open. Any successful
/// handshake resets the count. Like Codex, in-band `error` frames never trigger a fallback.
struct TransportFallbackPolicy: Sendable, Equatable {
    /// Consecutive failed connects that trigger the fallback.
    let threshold: Int
    /// Failed connects since the last successful handshake.
    private(set) var consecutiveFailures = 0
    /// Slots with an open connection.
    private(set) var open: Set<Int> = []

    init(threshold: Int) {
        self.threshold = max(1, threshold)
    }

    /// Folds one event in; returns the reason to fall back, once the decision is made.
    mutating func observe(_ event: UpstreamConnectionEvent) -> String? {
        switch event {
        case .opened(let c):
            open.insert(c)
            consecutiveFailures = 0
            return nil
        case .closed(let c, _):
            open.remove(c)
            return nil
        case .connectFailed(let c, let refusal, let message):
            open.remove(c)
            if let refusal, refusal.status == 426 { return refusal.description }
            consecutiveFailures += 1
            guard consecutiveFailures >= threshold, open.isEmpty else { return nil }
            return "\(consecutiveFailures) WebSocket connect attempts failed in a row (last: \(message))"
        }
    }
}
