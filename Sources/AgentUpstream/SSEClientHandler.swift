import AgentModel
import NIOCore
import NIOHTTP1

/// One `POST /responses` exchange, written to an HTTP connection's channel as a single outbound message.
struct SSERequest: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer
    var exchange: SSEExchange
}

/// Where the results of one exchange go.
struct SSEExchange: Sendable {
    /// Succeeded with the response head; failed if the connection ends before one arrives.
    var head: EventLoopPromise<HTTPResponseHead>
    /// Receives every event's data up to and including the terminal event (or the synthesized error frame).
    var frames: AsyncThrowingStream<String, any Error>.Continuation
    /// Bound on the silence while waiting for the head or the next bytes.
    var idleTimeout: TimeAmount
    /// Largest SSE line or event accepted.
    var maxEventSize: Int
    /// Called once when the exchange is over; `true` if the connection may carry another request (keep-alive).
    var onEnd: @Sendable (_ reusable: Bool) -> Void
}

/// Why an exchange failed before its response head; a `.connectionLost` on a reused connection may be retried on
/// a fresh one (the server never answered).
struct SSEConnectionClosedBeforeHead: Error, CustomStringConvertible {
    var code: UpstreamFailure.Code = .connectionLost
    var reason: String
    var description: String { reason }
}

/// Runs exchanges on one HTTP/1.1 connection, one at a time: writes the request, parses the `text/event-stream`
/// answer into frames, collects a non-2xx body into one WebSocket-shaped `error` frame.
///
/// After the terminal event the consumer's stream ends, but the rest of the response is read and discarded so the
/// connection can be reused (keep-alive) once the response's end arrives.
final class SSEClientHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = SSERequest
    typealias OutboundOut = HTTPClientRequestPart

    /// Largest error body kept for the synthesized error frame.
    static let maxErrorBody = 64 << 10

    private enum Phase {
        case awaitingHead
        case streaming
        case errorBody(status: Int, headers: [String: String])
    }

    private struct Current {
        var exchange: SSEExchange
        var phase: Phase = .awaitingHead
        var parser: ServerSentEventParser
        var keepAlive = true
        var errorBody: [UInt8] = []
        var frames = 0
        /// The consumer's stream has ended (terminal delivered or failed); later events are discarded.
        var delivered = false
        var lastRead: NIODeadline
        var timer: Scheduled<Void>?
    }

    private var current: Current?
    private var lastError: String?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        guard current == nil else {
            // The owner never does this; fail the newcomer rather than corrupt the exchange in flight.
            let error = SSEConnectionClosedBeforeHead(reason: "the connection is busy")
            request.exchange.head.fail(error)
            promise?.fail(error)
            return
        }
        current = Current(
            exchange: request.exchange,
            parser: ServerSentEventParser(maxEventSize: request.exchange.maxEventSize),
            lastRead: .now()
        )
        scheduleIdleCheck(context: context, after: request.exchange.idleTimeout)
        context.write(wrapOutboundOut(.head(request.head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(request.body))), promise: nil)
        context.write(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard var c = current else { return }
        c.lastRead = .now()
        switch unwrapInboundIn(data) {
        case .head(let head):
            let status = Int(head.status.code)
            c.keepAlive = head.isKeepAlive
            c.phase =
                (200..<300).contains(status)
                ? .streaming : .errorBody(status: status, headers: HTTPCompactor.waitHeaders(head.headers))
            current = c
            c.exchange.head.succeed(head)
        case .body(let buffer):
            switch c.phase {
            case .awaitingHead:
                current = c
            case .streaming:
                do {
                    for event in try c.parser.feed(buffer.readableBytesView) { deliver(event, to: &c) }
                    current = c
                } catch {
                    current = c
                    fail(
                        context: context, reason: "an event exceeded \(c.exchange.maxEventSize) bytes",
                        code: .connectionLost)
                }
            case .errorBody:
                let room = Self.maxErrorBody - c.errorBody.count
                if room > 0 { c.errorBody.append(contentsOf: buffer.readableBytesView.prefix(room)) }
                current = c
            }
        case .end:
            switch c.phase {
            case .awaitingHead:
                c.exchange.head.fail(SSEConnectionClosedBeforeHead(reason: "the response ended without a head"))
            case .streaming:
                if !c.delivered {
                    c.exchange.frames.finish(
                        throwing: UpstreamFailure(
                            code: .connectionLost, message: "the event stream ended before its terminal event",
                            framesReceived: c.frames))
                }
            case .errorBody(let status, let headers):
                c.exchange.frames.yield(SSEWire.errorFrame(status: status, body: c.errorBody, headers: headers))
                c.exchange.frames.finish()
            }
            c.timer?.cancel()
            current = nil
            c.exchange.onEnd(c.keepAlive)
            if !c.keepAlive { context.close(promise: nil) }
        }
    }

    /// Yields one event's data unless the response already ended for the consumer.
    private func deliver(_ event: ServerSentEvent, to c: inout Current) {
        guard !c.delivered, !SSEWire.isDoneSentinel(event.data) else { return }
        c.frames += 1
        c.exchange.frames.yield(event.data)
        if FrameHeader(parsing: event.data).isTerminal {
            c.delivered = true
            c.exchange.frames.finish()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        lastError = "\(error)"
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if current != nil {
            let reason = lastError.map { "the connection failed: \($0)" } ?? "the connection closed mid-response"
            end(failing: reason, code: .connectionLost)
        }
        context.fireChannelInactive()
    }

    /// Fails the exchange in flight and closes the connection.
    private func fail(context: ChannelHandlerContext, reason: String, code: UpstreamFailure.Code) {
        end(failing: reason, code: code)
        context.close(promise: nil)
    }

    private func end(failing reason: String, code: UpstreamFailure.Code) {
        guard let c = current else { return }
        current = nil
        c.timer?.cancel()
        if case .awaitingHead = c.phase {
            // The sender ends the stream itself (it may retry on another connection).
            c.exchange.head.fail(SSEConnectionClosedBeforeHead(code: code, reason: reason))
        } else if !c.delivered {
            c.exchange.frames.finish(throwing: UpstreamFailure(code: code, message: reason, framesReceived: c.frames))
        }
        c.exchange.onEnd(false)
    }

    /// Fails the exchange when nothing was read for `idleTimeout` (re-armed for the remainder after each read).
    private func scheduleIdleCheck(context: ChannelHandlerContext, after delay: TimeAmount) {
        let timer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
            guard let c = current else { return }
            let idle = c.exchange.idleTimeout
            let silent = NIODeadline.now() - c.lastRead
            if silent >= idle {
                fail(context: context, reason: "no data within \(idle.nanoseconds / 1_000_000) ms", code: .idleTimeout)
            } else {
                scheduleIdleCheck(context: context, after: idle - silent)
            }
        }
        current?.timer = timer
    }
}
