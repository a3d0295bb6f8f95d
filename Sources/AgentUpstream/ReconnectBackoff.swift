/// Delays between reconnect attempts: `base · 2ⁿ`, capped, times a jitter factor (OpenAI SDK defaults:
/// 0.5 s base, 8 s cap, ×0.75–1.0).
///
/// Pure: the random source is injected so tests can pin the jitter.
public struct ReconnectBackoff: Sendable, Equatable {
    /// Shape of the delay curve.
    public struct Policy: Sendable, Equatable {
        /// Delay before the first retry (before jitter).
        public var base: Duration
        /// Largest delay (before jitter).
        public var cap: Duration
        /// Smallest jitter factor; the factor is drawn uniformly from `jitterMin…1`.
        public var jitterMin: Double

        /// Creates a policy.
        /// - Parameters:
        ///   - base: first delay.
        ///   - cap: largest delay.
        ///   - jitterMin: lower bound of the jitter factor (0…1).
        public init(base: Duration = .milliseconds(500), cap: Duration = .seconds(8), jitterMin: Double = 0.75) {
            self.base = base
            self.cap = cap
            self.jitterMin = min(1, max(0, jitterMin))
        }
    }

    /// The policy in use.
    public let policy: Policy
    /// Failed attempts since the last success.
    public private(set) var attempt: Int = 0

    /// Creates a backoff at attempt 0.
    public init(policy: Policy = .init()) {
        self.policy = policy
    }

    /// The un-jittered delay of attempt `n`: `min(cap, base · 2ⁿ)`.
    public func ceiling(attempt n: Int) -> Duration {
        let factor = Double(1 << min(max(n, 0), 30))
        let seconds = min(policy.cap.seconds, policy.base.seconds * factor)
        return .nanoseconds(Int64(seconds * 1e9))
    }

    /// Returns the delay before the next attempt and counts the attempt.
    /// - Parameter unitRandom: a number in `0..<1` (injected for tests).
    public mutating func nextDelay(unitRandom: Double) -> Duration {
        let ceiling = ceiling(attempt: attempt)
        attempt += 1
        let factor = policy.jitterMin + (1 - policy.jitterMin) * min(max(unitRandom, 0), 1)
        return .nanoseconds(Int64(ceiling.seconds * factor * 1e9))
    }

    /// Returns the delay before the next attempt, drawing the jitter from `generator`.
    public mutating func nextDelay<G: RandomNumberGenerator>(using generator: inout G) -> Duration {
        nextDelay(unitRandom: Double.random(in: 0..<1, using: &generator))
    }

    /// Forgets failures after a successful connection.
    public mutating func reset() { attempt = 0 }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    var seconds: Double {
        let (s, attos) = components
        return Double(s) + Double(attos) / 1e18
    }
}
