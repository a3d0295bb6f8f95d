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

    /// The reaction to `error` on attempt number `attempt` (1-based) of a turn.
    public static func decide(_ error: UpstreamError, attempt: Int, maxAttempts: Int) -> Decision {
        guard attempt < maxAttempts else { return .fail }
        if error.code == "previous_response_not_found" { return .restartChain }
        if let code = error.code, retryableCodes.contains(code) {
            return .retryAfter(milliseconds: backoffMillis(attempt: attempt))
        }
        if error.code == nil && error.type == "server_error" {
            return .retryAfter(milliseconds: backoffMillis(attempt: attempt))
        }
        return .fail
    }

    /// Exponential backoff: 250 ms doubling per attempt, capped at 8 s.
    public static func backoffMillis(attempt: Int) -> Int {
        min(8_000, 250 << min(max(attempt - 1, 0), 5))
    }
}
