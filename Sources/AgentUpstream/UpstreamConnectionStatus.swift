/// A snapshot of one pooled upstream connection, for status output and metrics.
public struct UpstreamConnectionStatus: Sendable, Equatable {
    /// What the connection slot is doing.
    public enum State: String, Sendable, Equatable {
        /// Handshake in progress.
        case connecting
        /// Open and serving lanes.
        case connected
        /// Open but being replaced: no new responses; closed once nothing is in flight.
        case draining
        /// Waiting before the next connect attempt.
        case backoff
        /// The pool is not running.
        case stopped
    }

    /// Slot index (stable for the pool's life; `upstream.conn` in logs).
    public var id: Int
    /// Current state.
    public var state: State
    /// Time since the current connection opened, if open.
    public var age: Duration?
    /// Lanes held by leases.
    public var lanesInUse: Int
    /// Responses currently streaming.
    public var responsesInFlight: Int
    /// Responses that reached a terminal frame on this slot (all connections).
    public var responsesServed: Int
    /// Connections opened on this slot after the first.
    public var reconnects: Int
    /// The last connect or connection error, in words, without credentials.
    public var lastError: String?
    /// In `backoff`: the time left until the next connect attempt.
    public var nextAttemptIn: Duration? = nil
}

/// Statistics of the pool's fair lease queue.
public struct UpstreamQueueStats: Sendable, Equatable {
    /// Runs waiting for a lane now.
    public var waiting: Int
    /// Leases granted so far (immediately or after waiting).
    public var leasesGranted: Int
    /// Lease requests that had to queue.
    public var leasesQueued: Int
    /// Sum of all waits.
    public var totalWait: Duration
    /// Wait of the most recent grant.
    public var lastWait: Duration
    /// Longest wait.
    public var maxWait: Duration
    /// Requests waiting now for an active slot of their lane's connection.
    public var waitingForSlot: Int = 0
    /// Leases served by taking over another run's idle lane (that run restarts its chain on its next turn).
    public var lanesTakenOver: Int = 0
    /// Responses started, at once or after waiting for an active slot.
    public var responsesStarted: Int = 0
    /// Requests that waited for an active slot.
    public var responsesQueued: Int = 0
    /// Sum of the waits for an active slot.
    public var responseTotalWait: Duration = .zero
    /// Longest wait for an active slot.
    public var responseMaxWait: Duration = .zero
}

/// A misuse of a lane by its holder.
public struct UpstreamLaneError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Machine-readable reason.
    public enum Code: String, Sendable {
        /// `send` was called before the previous response on the lane reached its terminal frame.
        case responseInFlight = "response_in_flight"
        /// `send` was called after `release`.
        case released
        /// The frame given to `send` is not a JSON object (the SSE transport has to rewrite it into a request body).
        case invalidFrame = "invalid_frame"
    }

    public var code: Code
    public var message: String

    public var description: String { "\(code.rawValue): \(message)" }
}
