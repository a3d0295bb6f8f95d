import AgentModel
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The HTTP answer to a declined WebSocket upgrade: its status and the API error message of its body, if any.
public struct UpgradeRefusal: Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status (426 means "use HTTP streaming instead").
    public var status: Int
    /// `error.message` of a JSON error body.
    public var message: String?

    public var description: String {
        "the WebSocket upgrade was refused with HTTP \(status)" + (message.map { ": \($0)" } ?? "")
    }
}

/// Learns why a WebSocket upgrade was declined: the WebSocket client only reports "upgrade failed", so the pool
/// repeats the upgrade request once over plain HTTP/1.1 and reads the status line and the start of the body.
enum UpgradeProbe {
    /// Largest body read for the error message.
    static let maxBody = 8 << 10

    /// Sends the upgrade request and returns the refusal, or `nil` if the server would upgrade (101) or the probe
    /// itself failed (then the cause stays unknown).
    static func run(configuration: UpstreamConfiguration, group: any EventLoopGroup) async -> UpgradeRefusal? {
        guard let endpoint = HTTPEndpoint(responsesURL: configuration.url) else { return nil }
        let timeout = TimeAmount.nanoseconds(Int64(configuration.connectTimeout.seconds * 1e9))
        let tls: NIOSSLContext?
        do {
            tls = endpoint.useTLS ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil
        } catch {
            return nil
        }
        let sni = endpoint.serverNameIndication
        // One event loop for the channel and the promise, so the handler can be added in the initializer.
        let loop = group.next()
        let answer = loop.makePromise(of: (Int, [UInt8]).self)
        let deadline = loop.scheduleTask(in: timeout) { answer.fail(ChannelError.connectTimeout(timeout)) }
        defer {
            deadline.cancel()
            answer.fail(CancellationError())  // a no-op once answered; never leave the promise unfulfilled
        }
        do {
            let channel = try await ClientBootstrap(group: loop)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls {
                            try channel.pipeline.syncOperations.addHandler(
                                NIOSSLClientHandler(context: tls, serverHostname: sni))
                        }
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(ProbeHandler(answer: answer))
                    }
                }
                .connect(host: endpoint.host, port: endpoint.port).get()
            defer { channel.close(promise: nil) }
            try await channel.writeAndFlush(HTTPClientRequestPart.head(requestHead(configuration, endpoint))).get()
            try await channel.writeAndFlush(HTTPClientRequestPart.end(nil)).get()
            let (status, body) = try await answer.futureResult.get()
            guard status != 101 else { return nil }
            struct ErrorBody: Decodable {
                struct Inner: Decodable { var message: String? }
                var error: Inner?
            }
            let message = (try? JSONCoding.decode(ErrorBody.self, from: Data(body)))?.error?.message
            return UpgradeRefusal(status: status, message: message)
        } catch {
            return nil
        }
    }

    private static func requestHead(_ configuration: UpstreamConfiguration, _ endpoint: HTTPEndpoint) -> HTTPRequestHead
    {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: endpoint.hostHeader)
        headers.add(name: "Upgrade", value: "websocket")
        headers.add(name: "Connection", value: "Upgrade")
        let key = (0..<16).map { _ in UInt8.random(in: 0...255) }
        headers.add(name: "Sec-WebSocket-Key", value: Data(key).base64EncodedString())
        headers.add(name: "Sec-WebSocket-Version", value: "13")
        headers.add(name: "User-Agent", value: UpstreamConfiguration.userAgent)
        if let apiKey = configuration.apiKey { headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        if let organization = configuration.organization {
            headers.add(name: "OpenAI-Organization", value: organization)
        }
        if let project = configuration.project { headers.add(name: "OpenAI-Project", value: project) }
        for (name, value) in configuration.extraHeaders.sorted(by: { $0.key < $1.key })
        where UpstreamConfiguration.isHeaderName(name) {
            headers.add(name: name, value: value)
        }
        return HTTPRequestHead(version: .http1_1, method: .GET, uri: endpoint.target, headers: headers)
    }

    /// Completes `answer` with the status and up to ``maxBody`` bytes of the body.
    private final class ProbeHandler: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPClientResponsePart

        private let answer: EventLoopPromise<(Int, [UInt8])>
        private var status: Int?
        private var body: [UInt8] = []

        init(answer: EventLoopPromise<(Int, [UInt8])>) {
            self.answer = answer
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                status = Int(head.status.code)
                if head.status == .switchingProtocols { answer.succeed((101, [])) }
            case .body(let buffer):
                body.append(contentsOf: buffer.readableBytesView.prefix(max(0, UpgradeProbe.maxBody - body.count)))
                if body.count >= UpgradeProbe.maxBody, let status { answer.succeed((status, body)) }
            case .end:
                if let status { answer.succeed((status, body)) }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            if let status {
                answer.succeed((status, body))
            } else {
                answer.fail(ChannelError.inputClosed)
            }
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            answer.fail(error)
            context.close(promise: nil)
        }
    }
}
