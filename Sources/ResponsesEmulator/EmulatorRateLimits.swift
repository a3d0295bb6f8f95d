import Foundation

/// A rate-limit storm switched on at run time: the next `count` generating requests (WebSocket or HTTP) are
/// answered with 429 `rate_limit_exceeded` and `retry-after-ms` (a WebSocket error frame carries it in a top-level
/// `headers` object, HTTP as response headers). Thread-safe.
public final class EmulatorRateLimits: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining = 0
    private var retryAfterMillis = 0
    private var answered = 0

    /// Creates a switch with no storm.
    public init() {}

    /// Answers the next `count` requests with 429 and a `retry-after` of `retryAfterMillis`.
    public func begin(count: Int, retryAfterMillis: Int) {
        lock.withLock {
            remaining = max(0, count)
            self.retryAfterMillis = max(0, retryAfterMillis)
        }
    }

    /// How many 429s were answered so far.
    public var rejected: Int { lock.withLock { answered } }

    /// The retry-after to answer this request with, or nil when it may go through.
    func take() -> Int? {
        lock.withLock {
            guard remaining > 0 else { return nil }
            remaining -= 1
            answered += 1
            return retryAfterMillis
        }
    }
}
