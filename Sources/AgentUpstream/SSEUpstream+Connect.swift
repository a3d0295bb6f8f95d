import AgentModel
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

extension SSEUpstream {
    /// An idle kept-alive connection, or a new one.
    /// - Returns: the channel and whether it was reused.
    /// - Throws: ``UpstreamFailure`` `.connectFailed`.
    func connection(to endpoint: HTTPEndpoint) async throws -> (any Channel, Bool) {
        if let channel = idle.take() { return (channel, true) }
        let tls: NIOSSLContext?
        do {
            tls = endpoint.useTLS ? try tlsContext() : nil
        } catch {
            counters.lastError = "TLS setup failed: \(UpstreamErrorText.describe(error))"
            throw UpstreamFailure(code: .connectFailed, message: "TLS setup failed: \(error)")
        }
        let sni = endpoint.serverNameIndication
        let timeout = TimeAmount.nanoseconds(Int64(configuration.connectTimeout.seconds * 1e9))
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tls, serverHostname: sni))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(SSEClientHandler())
                }
            }
        do {
            let channel = try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
            // Re-check after the await: the transport may have stopped while connecting.
            guard !shutDown else {
                channel.close(promise: nil)
                throw UpstreamFailure(code: .shutdown, message: "the upstream transport stopped")
            }
            idle.track(channel)
            counters.connectionsOpened += 1
            logger.debug("upstream HTTP connection open")
            return (channel, false)
        } catch let failure as UpstreamFailure {
            throw failure
        } catch {
            let reason = UpstreamErrorText.describe(error)
            counters.lastError = reason
            logger.info("upstream HTTP connect failed", metadata: ["upstream.error": "\(reason)"])
            throw UpstreamFailure(code: .connectFailed, message: "\(endpoint.redacted): \(reason)")
        }
    }

    /// The client TLS context (system trust store), made once.
    private func tlsContext() throws -> NIOSSLContext {
        if let sslContext { return sslContext }
        let context = try NIOSSLContext(configuration: .makeClientConfiguration())
        sslContext = context
        return context
    }
}
