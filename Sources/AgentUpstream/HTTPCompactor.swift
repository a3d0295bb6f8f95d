import AgentModel
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// `POST {base}/responses/compact`: one request on its own HTTP/1.1 connection, the whole JSON answer back.
///
/// Compaction is rare (a context overflow), so there is no connection reuse; the headers are those of every other
/// request (key, organization, project, extra headers, `User-Agent`). A non-2xx answer comes back as the same
/// WebSocket-shaped `error` frame the SSE transport makes, with its `retry-after` headers in `headers`.
struct HTTPCompactor: Sendable {
    let configuration: UpstreamConfiguration
    let group: any EventLoopGroup

    /// Largest answer accepted (the output repeats every user message).
    static let maxAnswer = 64 << 20

    /// Sends `body` and returns the answer (or error frame).
    /// - Throws: ``UpstreamFailure`` when the server cannot be reached, the answer is cut short or too large, or
    ///   nothing arrives within the idle-stream timeout.
    func compact(_ body: String) async throws -> String {
        guard var endpoint = HTTPEndpoint(responsesURL: configuration.url) else {
            throw UpstreamFailure(
                code: .connectFailed, message: "\(configuration.redactedURL) is not an http(s) or ws(s) URL")
        }
        let parts = endpoint.target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        endpoint.target = String(parts[0]) + "/compact" + (parts.count > 1 ? "?" + parts[1] : "")
        let tls: NIOSSLContext?
        do {
            tls = endpoint.useTLS ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil
        } catch {
            throw UpstreamFailure(code: .connectFailed, message: "TLS setup failed: \(error)")
        }
        let sni = endpoint.serverNameIndication
        let loop = group.next()
        let answer = loop.makePromise(of: (HTTPResponseHead, [UInt8]).self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(.nanoseconds(Int64(configuration.connectTimeout.seconds * 1e9)))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls {
                            try channel.pipeline.syncOperations.addHandler(
                                NIOSSLClientHandler(context: tls, serverHostname: sni))
                        }
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(
                            AnswerCollector(answer: answer, limit: Self.maxAnswer))
                    }
                }
                .connect(host: endpoint.host, port: endpoint.port).get()
        } catch {
            answer.fail(error)
            throw UpstreamFailure(code: .connectFailed, message: "cannot connect to \(endpoint.redacted): \(error)")
        }
        defer { channel.close(promise: nil) }
        let timeout = TimeAmount.nanoseconds(Int64(configuration.idleStreamTimeout.seconds * 1e9))
        let timer = loop.scheduleTask(in: timeout) {
            answer.fail(UpstreamFailure(code: .idleTimeout, message: "no answer from \(endpoint.redacted) in time"))
        }
        defer { timer.cancel() }
        let bytes = Array(body.utf8)
        channel.write(HTTPClientRequestPart.head(
            configuration.postHead(endpoint, contentLength: bytes.count, accept: "application/json", closeConnection: true)), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: bytes))), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let (responseHead, received): (HTTPResponseHead, [UInt8])
        do {
            (responseHead, received) = try await withTaskCancellationHandler {
                try await answer.futureResult.get()
            } onCancel: {
                channel.close(promise: nil)
            }
        } catch let failure as UpstreamFailure {
            throw failure
        } catch {
            try Task.checkCancellation()
            throw UpstreamFailure(code: .connectionLost, message: "no answer from \(endpoint.redacted): \(error)")
        }
        let status = Int(responseHead.status.code)
        guard (200..<300).contains(status) else {
            return SSEWire.errorFrame(status: status, body: received, headers: Self.waitHeaders(responseHead.headers))
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// The headers that say how long to wait, lowercased: `retry-after-ms`, `retry-after`, `x-ratelimit-reset-*`.
    static func waitHeaders(_ headers: HTTPHeaders) -> [String: String] {
        var picked: [String: String] = [:]
        for (name, value) in headers {
            let lower = name.lowercased()
            if lower == "retry-after-ms" || lower == "retry-after" || lower.hasPrefix("x-ratelimit-reset") {
                picked[lower] = value
            }
        }
        return picked
    }

    /// Collects the head and the body (up to a limit) and completes the promise at the end of the answer.
    private final class AnswerCollector: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPClientResponsePart

        private let answer: EventLoopPromise<(HTTPResponseHead, [UInt8])>
        private let limit: Int
        private var head: HTTPResponseHead?
        private var body: [UInt8] = []

        init(answer: EventLoopPromise<(HTTPResponseHead, [UInt8])>, limit: Int) {
            self.answer = answer
            self.limit = limit
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
            case .body(let buffer):
                guard body.count + buffer.readableBytes <= limit else {
                    answer.fail(UpstreamFailure(code: .connectionLost, message: "the answer exceeded \(limit) bytes"))
                    context.close(promise: nil)
                    return
                }
                body.append(contentsOf: buffer.readableBytesView)
            case .end:
                if let head { answer.succeed((head, body)) }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            answer.fail(
                UpstreamFailure(code: .connectionLost, message: "the connection closed before the answer ended"))
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            answer.fail(error)
            context.close(promise: nil)
        }
    }
}
