/// Payload of `run.retry_scheduled`: why the engine waits before sending the request again, and how long.
public struct RetryScheduled: Codable, Hashable, Sendable {
    /// The upstream error code (`rate_limit_exceeded`, `server_error`, …), if it had one.
    public var code: String?
    /// The upstream's message.
    public var message: String
    /// The wait in milliseconds.
    public var delayMillis: Int
    /// The attempt at the turn that failed (1-based).
    public var attempt: Int
    /// Whether the wait is the one the server asked for (`retry-after`), rather than agentd's own backoff.
    public var serverAsked: Bool
    /// When the wait began (the event's timestamp; not in the payload).
    public var sinceMillis: Int64? = nil

    public init(code: String?, message: String, delayMillis: Int, attempt: Int, serverAsked: Bool) {
        self.code = code
        self.message = message
        self.delayMillis = delayMillis
        self.attempt = attempt
        self.serverAsked = serverAsked
    }

    enum CodingKeys: String, CodingKey {
        case code, message, attempt
        case delayMillis = "delay_ms"
        case serverAsked = "server_asked"
        case sinceMillis = "since_ms"
    }
}
