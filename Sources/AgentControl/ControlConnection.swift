import Synchronization
import AgentModel
import AgentProtocol
import Foundation
import Logging
import NIOCore

/// What a connection needs to know about the server it belongs to.
struct ServerContext: Sendable {
    var socketPath: String
    var startedAtMillis: Int64
    var connectionCount: @Sendable () -> Int
    /// Results of requests with a `request_id`, shared by every connection.
    var idempotency: IdempotencyStore
    /// Encoded event JSON shared by every connection, so a run attached N times is encoded once per event.
    var eventLines: EventLineCache
}

/// One accepted, authorised client connection: a reader that routes lines, one writer draining the bounded
/// ``OutboundQueue``, request tasks (at most `maxInFlightRequests`) and one pump task per subscription.
final class ControlConnection: Sendable {
    struct State {
        var logger: Logger
        var identity: ClientIdentity?
        var inFlight = 0
        var pendingRecords = 0
        var pumps: [String: Task<Void, Never>] = [:]
        var nextSubscription = 1
        /// No new subscriptions or requests: the reader ended or the daemon is stopping.
        var closed = false
        var shuttingDown = false
    }

    let peer: PeerCredentials
    let backend: any ControlBackend
    let configuration: ControlConfiguration
    let context: ServerContext
    let channel: any Channel
    let queue: OutboundQueue
    let state: Mutex<State>

    init(
        peer: PeerCredentials, channel: any Channel, backend: any ControlBackend, configuration: ControlConfiguration,
        context: ServerContext, logger: Logger
    ) {
        self.peer = peer
        self.channel = channel
        self.backend = backend
        self.configuration = configuration
        self.context = context
        self.queue = OutboundQueue(
            eventLimit: configuration.outboundQueueLimit, responseByteLimit: configuration.maxUnsentResponseBytes)
        self.state = Mutex(State(logger: logger))
    }

    var logger: Logger { state.withLock { $0.logger } }

    /// Serves the connection until the client goes away or the server shuts it down.
    func run(inbound: NIOAsyncChannelInboundStream<ByteBuffer>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>)
        async
    {
        let handshakeDeadline = channel.eventLoop.scheduleTask(in: TimeAmount(configuration.initializeTimeout)) {
            self.closeIfNotInitialized()
        }
        defer { handshakeDeadline.cancel() }
        await withDiscardingTaskGroup { group in
            group.addTask { await self.writeLoop(outbound) }
            do {
                for try await buffer in inbound {
                    self.handleLine(buffer, group: &group)
                    // Backpressure: with too many answers unsent (the client does not read), read no more
                    // requests until it does; the kernel's socket buffer then stops the client's writes.
                    await self.queue.waitForResponseRoom()
                }
            } catch is ByteToMessageDecoderError.PayloadTooLargeError {
                // The decoder cannot find the next line boundary reliably: answer once and close.
                self.logger.warning(
                    "request line too large; closing connection",
                    metadata: [
                        "limit": "\(self.configuration.maxLineBytes)"
                    ])
                self.queue.enqueue(
                    WireEncoding.errorLine(id: nil, .requestTooLarge(limit: self.configuration.maxLineBytes)))
            } catch {
                self.logger.debug("connection read ended", metadata: ["error": "\(error)"])
            }
            let shuttingDown = self.stopPumps()
            self.queue.finish()
            if shuttingDown { group.cancelAll() }
        }
        // Wait for the pumps so every backend stream is released before the connection is forgotten.
        let pumps = state.withLock { Array($0.pumps.values) }
        for pump in pumps { await pump.value }
    }

    /// Graceful shutdown: ends every subscription with `daemon_shutdown`, writes what is queued, then closes.
    func beginShutdown() {
        let alreadyClosed = state.withLock { state -> Bool in
            let was = state.shuttingDown
            state.shuttingDown = true
            state.closed = true
            return was
        }
        guard !alreadyClosed else { return }
        _ = queue.endAll(reason: .daemonShutdown)
        _ = stopPumps()
        queue.finish()
        let channel = self.channel
        channel.eventLoop.scheduleTask(in: TimeAmount(configuration.shutdownDrainTimeout)) {
            channel.close(promise: nil)
        }
    }

    /// Closes a connection that has not sent `initialize` within the timeout: an idle connection holds one of the
    /// `maxConnections` slots.
    private func closeIfNotInitialized() {
        let idle = state.withLock { state -> Bool in
            guard state.identity == nil, !state.closed else { return false }
            state.closed = true
            return true
        }
        guard idle else { return }
        let millis = Int(configuration.initializeTimeout / .milliseconds(1))
        logger.info("closing a connection that sent no initialize", metadata: ["timeout_ms": "\(millis)"])
        queue.enqueue(
            WireEncoding.errorLine(
                id: nil, .invalidRequest("no initialize within \(millis) ms; closing the connection")))
        queue.finish()
        // The writer closes the channel once the line is written; a client that does not read either is closed
        // after the drain timeout.
        let channel = self.channel
        channel.eventLoop.scheduleTask(in: TimeAmount(configuration.shutdownDrainTimeout)) {
            channel.close(promise: nil)
        }
    }

    /// Cancels every pump; returns whether the daemon is shutting down.
    private func stopPumps() -> Bool {
        let (pumps, shuttingDown) = state.withLock { state in
            state.closed = true
            return (Array(state.pumps.values), state.shuttingDown)
        }
        for pump in pumps { pump.cancel() }
        return shuttingDown
    }

    private func writeLoop(_ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async {
        // One write (and flush) per chunk: everything queued while the previous write was in flight goes together.
        while let chunk = await queue.nextChunk() {
            do {
                try await outbound.write(chunk)
            } catch {
                queue.discard()
                break
            }
        }
        // Finished: everything queued is handed to the channel; closing also ends a reader still waiting.
        try? await channel.close()
    }

    // MARK: Routing

    private func handleLine(_ buffer: ByteBuffer, group: inout DiscardingTaskGroup) {
        let line = Data(buffer.readableBytesView)
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
        let header: JSONRPCHeader
        switch JSONRPCHeader.parse(line) {
        case .failure(let failure):
            queue.enqueue(WireEncoding.errorLine(id: failure.id, failure.error))
            return
        case .success(let parsed):
            header = parsed
        }
        guard case .request(let id, let method) = header.kind else {
            logger.debug("ignoring a message that is not a request", metadata: ["kind": "\(header.kind)"])
            return
        }
        let record = commandRecord(method: method, params: header.params)
        let identity = state.withLock { $0.identity }
        // `initialize` and refusals are answered inline, before the next line is read, so a request pipelined
        // right after `initialize` already sees the handshake done.
        let inline: ByteBuffer?
        if method == Initialize.name {
            inline = handleInitialize(id: id, line: line)
        } else if identity == nil {
            inline = WireEncoding.errorLine(id: id, .notInitialized(method: method))
        } else if !ControlMethods.requestNames.contains(method) {
            inline = WireEncoding.errorLine(id: id, .methodNotFound(method))
        } else {
            inline = nil
        }
        if let inline {
            queue.enqueue(inline)
            recordInline(record, client: identity ?? state.withLock { $0.identity }, group: &group)
            return
        }
        guard let identity else { return }
        let (acquired, shuttingDown) = state.withLock { state in
            let acquired = state.inFlight < configuration.maxInFlightRequests && !state.closed
            if acquired { state.inFlight += 1 }
            return (acquired, state.shuttingDown)
        }
        guard acquired else {
            let reason =
                shuttingDown
                ? "the daemon is shutting down"
                : "more than \(configuration.maxInFlightRequests) requests in flight on this connection"
            queue.enqueue(WireEncoding.errorLine(id: id, .overloaded(reason)))
            recordInline(record, client: identity, group: &group)
            return
        }
        group.addTask {
            await self.backend.recordCommand(self.withClient(record, identity))
            let (response, after) = await self.dispatch(id: id, method: method, line: line, client: identity)
            // Release the slot before answering, so a client that waits for the answer can rely on it.
            self.state.withLock { $0.inFlight -= 1 }
            self.queue.enqueue(response)
            after?()
        }
    }

    /// Logs a request answered inline; bounded so a flood of refused requests cannot pile up tasks.
    private func recordInline(_ record: CommandRecord, client: ClientIdentity?, group: inout DiscardingTaskGroup) {
        let admitted = state.withLock { state -> Bool in
            guard state.pendingRecords < Self.maxPendingRecords else { return false }
            state.pendingRecords += 1
            return true
        }
        guard admitted else {
            logger.warning(
                "command log backlog full; not recording a refused request",
                metadata: [
                    "method": "\(record.method)"
                ])
            return
        }
        group.addTask {
            await self.backend.recordCommand(self.withClient(record, client))
            self.state.withLock { $0.pendingRecords -= 1 }
        }
    }

    static let maxPendingRecords = 1024

    private func commandRecord(method: String, params: JSONValue?) -> CommandRecord {
        let text = (try? JSONCoding.encode(params ?? .object([:]))) ?? "{}"
        return CommandRecord(
            timestampMillis: LedgerEvent.nowMillis(), method: method, params: text, clientName: nil, peerUID: peer.uid,
            peerPID: peer.pid)
    }

    private func withClient(_ record: CommandRecord, _ client: ClientIdentity?) -> CommandRecord {
        var record = record
        record.clientName = client?.name
        return record
    }
}
