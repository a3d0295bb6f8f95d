import AgentProtocol
import Foundation

/// How agentctl words a run's wait before retrying a request.
enum RetryText {
    /// E.g. `waiting 2.0 s (server asked: retry-after) after rate_limit_exceeded, attempt 3`.
    static func describe(_ retry: RunRetryInfo) -> String {
        let seconds = String(format: "%.1f", Double(retry.delayMillis) / 1000)
        let why = retry.serverAsked ? "server asked: retry-after" : "backoff"
        return "waiting \(seconds) s (\(why)) after \(retry.code ?? "an upstream error"), attempt \(retry.attempt)"
    }
}
