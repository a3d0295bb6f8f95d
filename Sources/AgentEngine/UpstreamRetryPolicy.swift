import AgentModel

/// Decides how the engine reacts to a failed turn; pure, so it is tested without an upstream.
public enum UpstreamRetryPolicy {
    /// The engine's reaction to an upstream error.
    public enum Decision: Equatable, Sendable {
        /// Restart the chain with the full conversation (the parent is gone) and try again.
        case restartChain
        /// Wait, restart the chain (a failed continuation evicts its parent) and try again.
        case retryAfter(milliseconds: Int)
        /// Give up: the run fails with this reason.
        case fail
    }

    /// Error codes that a later attempt can succeed on.
    static let retryableCodes: Set<String> = [
        "server_error", "server_is_overloaded", "rate_limit_exceeded", "websocket_connection_limit_reached",
    ]

    /// Attempts at one turn while the server keeps asking to wait (429 or 5xx with `retry-after`): a storm passes,
    /// so these are allowed more attempts than other failures.
    public static let rateLimitedAttempts = 20

    /// The reaction to `error` on attempt number `attempt` (1-based) of a turn.
    ///
    /// A retryable error that says how long to wait (`retry-after-ms`, `retry-after`, rate-limit reset headers)
    /// waits that long plus up to 10 % (`jitter`), so a storm's clients do not all come back at once; others wait
    /// the exponential backoff plus up to 50 %.
    /// - Parameter jitter: a number in `0..<1` (random in production, fixed in tests).
    public static func decide(_ error: UpstreamError, attempt: Int, maxAttempts: Int, jitter: Double = 0) -> Decision {
        let retryable = isRetryable(error)
        let told = retryable ? error.retryAfterMillis : nil
        guard attempt < (told != nil ? max(maxAttempts, rateLimitedAttempts) : maxAttempts) else { return .fail }
        if error.code == "previous_response_not_found" { return .restartChain }
        guard retryable else { return .fail }
        let jitter = min(max(jitter, 0), 1)
        if let told { return .retryAfter(milliseconds: told + Int(Double(told) * 0.1 * jitter)) }
        let base = backoffMillis(attempt: attempt)
        return .retryAfter(milliseconds: base + Int(Double(base) * 0.5 * jitter))
    }

    /// Whether a later attempt can succeed: a retryable code, a code-less `server_error`, a 429 or a 5xx.
    static func isRetryable(_ error: UpstreamError) -> Bool {
        if let code = error.code, retryableCodes.contains(code) { return true }
        if error.code == nil && error.type == "server_error" { return true }
        if let status = error.status, status == 429 || status >= 500 { return true }
        return false
    }

    /// Exponential backoff: 250 ms doubling per attempt, capped at 8 s.
    public static func backoffMillis(attempt: Int) -> Int {
        min(8_000, 250 << min(max(attempt - 1, 0), 5))
    }
}
