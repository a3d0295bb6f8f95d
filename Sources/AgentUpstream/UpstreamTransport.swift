/// The wire the Responses API is reached over (`upstream.transport` in the daemon's configuration).
public enum UpstreamTransport: String, Sendable, Equatable, CaseIterable {
    /// WebSocket mode only (``WebSocketPool``).
    case websocket
    /// HTTP+SSE only (``SSEUpstream``): every turn resends the full conversation.
    case sse
    /// WebSocket, falling back to HTTP+SSE for the rest of the process when the upgrade is refused with HTTP 426
    /// or connecting keeps failing (as Codex does).
    case auto
}
