/// Something that happened to one of a ``WebSocketPool``'s connections (see ``WebSocketPool/connectionEvents()``).
public enum UpstreamConnectionEvent: Sendable, Equatable {
    /// Slot `connection` completed its handshake.
    case opened(connection: Int)
    /// An attempt of slot `connection` failed before the handshake completed; `refusal` is set when the server
    /// answered the upgrade request with an HTTP error (e.g. 426 "use HTTP streaming").
    case connectFailed(connection: Int, refusal: UpgradeRefusal?, message: String)
    /// Slot `connection`'s open connection ended; `planned` for rotations and server-announced limits.
    case closed(connection: Int, planned: Bool)
}
