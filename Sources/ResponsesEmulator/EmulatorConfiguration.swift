/// How a ``ResponsesEmulator`` listens, how fast it answers and which faults it injects.
public struct EmulatorConfiguration: Sendable {
    /// Address to bind.
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks an ephemeral port (learn it from ``ResponsesEmulator/baseURL()``).
    public var port: Int = 0
    /// Latency before the first event of each response.
    public var firstEventDelay: Duration = .zero
    /// Latency between two consecutive events of a response.
    public var interEventDelay: Duration = .zero
    /// Require `Authorization: Bearer <non-empty>` on every request and WebSocket upgrade.
    ///
    /// HTTP requests without it get 401 with a JSON error body; a WebSocket upgrade without it is declined
    /// (HTTP 400, the only status the WebSocket upgrader can send).
    public var requireAuthorization: Bool = false
    /// After this age a WebSocket connection receives the real `websocket_connection_limit_reached` error frame
    /// (unsolicited, even when idle) and is closed. The real API uses 60 minutes.
    public var maxConnectionAge: Duration? = nil
    /// Faults to inject.
    public var faults: EmulatorFaults = .init()
    /// Whether `response.steer` is supported; when false every steer gets `steering_not_supported` (so does any
    /// steer of a response whose model name ends in `-nosteer`).
    public var steering: Bool = true
    /// The model's context window in tokens (estimated as 4 UTF-8 bytes each): a request whose effective context
    /// (see `Compaction`) is larger is refused with `context_length_exceeded` (HTTP 400), unless it asked for
    /// compaction (`context_management`) below that size. `nil`: unlimited.
    public var contextWindow: Int? = nil

    /// Creates a configuration; every parameter has the default documented on its property.
    /// - Parameters:
    ///   - host: address to bind.
    ///   - port: port to bind, 0 for an ephemeral one.
    ///   - firstEventDelay: latency before the first event of each response.
    ///   - interEventDelay: latency between events.
    ///   - requireAuthorization: require a bearer token.
    ///   - maxConnectionAge: WebSocket connection lifetime limit.
    ///   - faults: faults to inject.
    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        firstEventDelay: Duration = .zero,
        interEventDelay: Duration = .zero,
        requireAuthorization: Bool = false,
        maxConnectionAge: Duration? = nil,
        faults: EmulatorFaults = .init()
    ) {
        self.host = host
        self.port = port
        self.firstEventDelay = firstEventDelay
        self.interEventDelay = interEventDelay
        self.requireAuthorization = requireAuthorization
        self.maxConnectionAge = maxConnectionAge
        self.faults = faults
    }
}
