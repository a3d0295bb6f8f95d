/// One WebSocket connection as the emulator saw it.
public struct RecordedConnection: Sendable, Equatable {
    /// 1-based id, in accept order.
    public var id: Int
    /// Request path of the upgrade (e.g. `/v1/responses`).
    public var path: String
    /// Upgrade request headers, names lowercased (`authorization` redacted to `Bearer <redacted>`).
    public var headers: [String: String]
    /// Every text frame the client sent, in order.
    public var inboundFrames: [String] = []
    /// Every frame the emulator sent, in order.
    public var outboundFrames: [String] = []
    /// Why the connection ended (`client closed`, `dropped (fault)`, `connection age limit`), nil while open.
    public var closeReason: String?
}

/// One HTTP request as the emulator saw it.
public struct RecordedHTTPRequest: Sendable, Equatable {
    /// `POST`, `GET`, …
    public var method: String
    /// Request path.
    public var path: String
    /// Request headers, names lowercased (`authorization` redacted to `Bearer <redacted>`).
    public var headers: [String: String]
    /// The request body as text.
    public var body: String
}
