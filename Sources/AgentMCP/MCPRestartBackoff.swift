/// The delay before restarting a server that exited: doubling from `base` with each failure in a row, up to `cap`.
public struct MCPRestartBackoff: Sendable, Hashable {
    /// The delay after the first failure.
    public var base: Duration
    /// The longest delay.
    public var cap: Duration

    /// Creates a backoff.
    public init(base: Duration = .milliseconds(100), cap: Duration = .seconds(10)) {
        self.base = base
        self.cap = cap
    }

    /// The delay after `failures` failures in a row (1 or more).
    public func delay(afterFailures failures: Int) -> Duration {
        let exponent = min(max(failures - 1, 0), 30)
        return min(base * (1 << exponent), cap)
    }
}
