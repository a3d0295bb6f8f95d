/// Bounds on one upstream response (`run.max_response_bytes`, `run.max_response_events`, `run.max_response_ms`).
///
/// A model (or a proxy) that streams without end would otherwise grow the ledger and memory without limit, and a
/// trickle of frames inside the idle timeout would keep a run alive for ever.
public struct ResponseLimits: Sendable, Equatable {
    /// Bytes of frame text one response may stream.
    public var maxBytes: Int
    /// Frames one response may stream.
    public var maxEvents: Int
    /// Wall time from sending the request to the response's terminal frame.
    public var maxDuration: Duration

    /// Creates limits; the defaults are far above any real response (a long reasoning answer streams a few MB).
    public init(maxBytes: Int = 64 << 20, maxEvents: Int = 250_000, maxDuration: Duration = .seconds(1_800)) {
        self.maxBytes = maxBytes
        self.maxEvents = maxEvents
        self.maxDuration = maxDuration
    }
}
