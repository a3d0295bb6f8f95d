import Hummingbird
import HummingbirdWebSocket

/// Request context for both routers; it can close the underlying TCP connection abruptly (fault injection).
struct EmulatorRequestContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<Self>
    /// Closes the connection without any WebSocket close frame or HTTP terminator.
    let closeConnectionAbruptly: @Sendable () -> Void

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        let channel = source.channel
        self.closeConnectionAbruptly = { channel.close(promise: nil) }
    }

    /// Allow large request bodies (a stateless replay carries the whole history).
    var maxUploadSize: Int { 64 << 20 }
}
