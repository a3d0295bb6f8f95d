import AgentModel
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The Responses API over HTTP+SSE behind the same port as ``WebSocketPool``: each `response.create` frame becomes
/// a `POST {base}/responses` with `"stream": true`, and each `data:` of the event stream comes back as a frame.
///
/// **No continuation over HTTP.** A `store:false` response cannot be continued with `previous_response_id` (there
/// is no connection cache), so an ``SSEUpstream`` lane reports `isUsable == false` as soon as it has sent a
/// request: the engine then releases it, leases again and sends the full conversation on every turn.
///
/// Leases are bounded by `connections ×` the active responses per connection (FIFO when exhausted), which bounds concurrent
/// requests. Connections are HTTP/1.1 with keep-alive, reused one request at a time; `https` uses the system trust
/// store. ``run()`` is optional: it only closes idle connections and fails new work when cancelled.
public actor SSEUpstream: ResponsesUpstream {
    let configuration: UpstreamConfiguration
    let endpoint: HTTPEndpoint?
    let logger: Logger
    let group: any EventLoopGroup
    let idle: IdleConnectionCache
    var permits: PermitQueue
    var waiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
    var nextWaiterID: UInt64 = 1
    var sslContext: NIOSSLContext?
    var shutDown = false
    var counters = SSEUpstreamStatus.Counters()

    /// Creates the transport; nothing connects until the first request.
    /// - Parameters:
    ///   - configuration: the same configuration as the WebSocket pool: its `ws(s)://…/responses` URL is mapped to
    ///     `http(s)://…/responses`; key, organization, project and extra headers are sent on every request;
    ///     `connections × min(lanesPerConnection, activeResponsesPerConnection)` bounds leases; `connectTimeout`, `idleStreamTimeout` and
    ///     `maxFrameSize` bound connecting, silence and event size.
    ///   - logger: receives request and connection events; the API key is never logged.
    ///   - eventLoopGroup: where connections run.
    public init(
        configuration: UpstreamConfiguration,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.endpoint = HTTPEndpoint(responsesURL: configuration.url)
        var logger = logger
        logger[metadataKey: "upstream.url"] = .string(endpoint?.redacted ?? configuration.redactedURL)
        logger[metadataKey: "upstream.transport"] = "sse"
        self.logger = logger
        self.group = eventLoopGroup
        // A lease carries one request at a time, like an active response of the WebSocket pool.
        let capacity =
            configuration.connections * min(configuration.lanesPerConnection, configuration.activeResponsesPerConnection)
        self.permits = PermitQueue(capacity: capacity)
        self.idle = IdleConnectionCache(limit: capacity)
    }

    /// Waits until cancelled, then closes idle connections; later leases fail with `.shutdown`.
    public func run() async throws {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
        shutdown()
    }

    private func shutdown() {
        shutDown = true
        for id in permits.drainWaiters() {
            waiters.removeValue(forKey: id)?.resume(
                throwing: UpstreamFailure(code: .shutdown, message: "the upstream transport stopped"))
        }
        idle.closeAll()
    }

    // MARK: Leases

    /// Reserves a lane: at once while fewer than the lease capacity are held, else in FIFO order.
    ///
    /// - Throws: ``UpstreamFailure`` `.shutdown` after ``run()`` ended, `CancellationError` when cancelled.
    public func lease(for run: RunID) async throws -> any UpstreamLane {
        guard !shutDown else { throw UpstreamFailure(code: .shutdown, message: "the upstream transport stopped") }
        try Task.checkCancellation()
        let id = nextWaiterID
        nextWaiterID += 1
        if permits.acquire(id) == .queued {
            logger.debug("lease queued", metadata: ["run.id": .string(run.rawValue)])
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    waiters[id] = continuation
                }
            } onCancel: {
                Task { await self.cancelWaiter(id) }
            }
            // Re-check after the await: the caller may have been cancelled just as the permit was granted.
            if Task.isCancelled {
                releasePermit()
                throw CancellationError()
            }
        }
        counters.leasesGranted += 1
        return SSELane(upstream: self)
    }

    private func cancelWaiter(_ id: UInt64) {
        guard permits.cancel(id), let waiter = waiters.removeValue(forKey: id) else { return }
        waiter.resume(throwing: CancellationError())
    }

    func releasePermit() {
        if let next = permits.release() {
            waiters.removeValue(forKey: next)?.resume()
        }
    }

    // MARK: Requests

    /// Posts one request and returns its frames once the response head arrived.
    ///
    /// A kept-alive connection the server closed while idle fails before any response; that request is retried
    /// once on a new connection (nothing was processed).
    func send(_ frame: String, onFinished: @escaping @Sendable () -> Void) async throws -> AsyncThrowingStream<
        String, any Error
    > {
        guard let endpoint else {
            throw UpstreamFailure(
                code: .connectFailed, message: "\(configuration.redactedURL) is not an http(s) or ws(s) URL")
        }
        let body = try SSEWire.requestBody(fromCreateFrame: frame)
        var retried = false
        while true {
            guard !shutDown else { throw UpstreamFailure(code: .shutdown, message: "the upstream transport stopped") }
            let (channel, reused) = try await connection(to: endpoint)
            counters.requests += 1
            let (stream, continuation) = AsyncThrowingStream.makeStream(of: String.self)
            let head = channel.eventLoop.makePromise(of: HTTPResponseHead.self)
            let idle = self.idle
            let exchange = SSEExchange(
                head: head,
                frames: continuation,
                idleTimeout: .nanoseconds(Int64(configuration.idleStreamTimeout.seconds * 1e9)),
                maxEventSize: configuration.maxFrameSize,
                onEnd: { reusable in
                    if reusable { idle.put(channel) } else { channel.close(promise: nil) }
                }
            )
            // Set when this attempt's stream is never handed out (failed or retried before the head): its end then
            // says nothing about the lane. Failures before the head only fail `head`; this actor ends the stream.
            let abandoned = SharedMutex(false)
            continuation.onTermination = { termination in
                // A consumer that stops listening aborts the request: the connection cannot be reused mid-response.
                if case .cancelled = termination { channel.close(promise: nil) }
                if !abandoned.current { onFinished() }
            }
            let request = SSERequest(
                head: configuration.postHead(endpoint, contentLength: body.count, accept: "text/event-stream"), body: ByteBuffer(bytes: body),
                exchange: exchange)
            channel.writeAndFlush(request).whenFailure { error in
                head.fail(SSEConnectionClosedBeforeHead(reason: "writing the request failed: \(error)"))
            }
            do {
                // Cancelling the caller aborts the request (the head may be minutes away while a model thinks).
                let response = try await withTaskCancellationHandler {
                    try await head.futureResult.get()
                } onCancel: {
                    channel.close(promise: nil)
                }
                logger.debug("response head", metadata: ["upstream.status": "\(response.status.code)"])
                if !(200..<300).contains(Int(response.status.code)) { counters.httpErrors += 1 }
                return stream
            } catch let error as SSEConnectionClosedBeforeHead {
                abandoned.exchange(true)
                continuation.finish()
                try Task.checkCancellation()
                if reused, !retried, error.code == .connectionLost {
                    retried = true
                    logger.debug(
                        "kept-alive connection was closed; retrying on a new one", metadata: ["error": "\(error)"])
                    continue
                }
                counters.lastError = error.reason
                throw UpstreamFailure(
                    code: error.code, message: "no response from \(endpoint.redacted): \(error.reason)")
            }
        }
    }

    /// Posts `body` to `/responses/compact` (see ``ResponsesUpstream/compact(_:)``).
    public func compact(_ body: String) async throws -> String {
        try await HTTPCompactor(configuration: configuration, group: group).compact(body)
    }

    // MARK: Status

    /// A snapshot of leases, requests and connections.
    public func status() -> SSEUpstreamStatus {
        SSEUpstreamStatus(
            leasesInUse: permits.inUse,
            leaseCapacity: permits.capacity,
            waiting: permits.waiters.count,
            leasesQueued: permits.queuedTotal,
            idleConnections: idle.count,
            counters: counters
        )
    }
}
