import AgentModel
import AgentProtocol
import Foundation
import Logging
import NIOCore
import Synchronization

import Glibc

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

// MARK: - ControlPlane

/// The shared control plane: input, cancel, resume and approvals, and the `request_id` rule.
extension ControlConnection {
    /// Runs one of `run/input`, `run/cancel`, `run/resume`, `approval/list` and `approval/resolve`.
    func dispatchControlPlane(id: JSONRPCID, method: String, line: Data, client: ClientIdentity) async -> (
        ByteBuffer, AfterResponse?
    ) {
        switch method {
        case RunInput.name:
            return await respondIdempotent(RunInput.self, id: id, line: line, client: client) { params in
                try await self.addInput(params, client: client)
            }
        case RunCancel.name:
            return await respondIdempotent(RunCancel.self, id: id, line: line, client: client) { params in
                try Self.validate(params.runID)
                let reason = params.reason ?? "cancelled by \(client.name) (uid \(client.uid))"
                let state = try await self.backend.cancelRun(
                    params.runID, mode: params.mode ?? .now, reason: reason, client: client)
                return RunCancel.Result(run: RunInfo(state))
            }
        case RunResume.name:
            return await respond(RunResume.self, id: id, line: line) { params in
                try Self.validate(params.runID)
                return (
                    RunResume.Result(run: RunInfo(try await self.backend.resumeRun(params.runID, client: client))), nil
                )
            }
        case ApprovalList.name:
            return await respond(ApprovalList.self, id: id, line: line) { params in
                if let run = params.runID { try Self.validate(run) }
                return (ApprovalList.Result(approvals: try await self.backend.pendingApprovals(params.runID)), nil)
            }
        case ApprovalResolve.name:
            return await respondIdempotent(ApprovalResolve.self, id: id, line: line, client: client) { params in
                try Self.validate(params.runID)
                guard !params.callID.isEmpty else {
                    throw ControlError.invalidParams(field: "call_id", "must not be empty")
                }
                return try await self.backend.resolveApproval(params, client: client)
            }
        default:
            return (WireEncoding.errorLine(id: id, .methodNotFound(method)), nil)
        }
    }

    private func addInput(_ params: RunInput.Params, client: ClientIdentity) async throws -> RunInput.Result {
        try Self.validate(params.runID)
        guard !params.text.isEmpty else { throw ControlError.invalidParams(field: "text", "must not be empty") }
        if params.inputID?.isEmpty == true {
            throw ControlError.invalidParams(field: "input_id", "must not be empty")
        }
        // A request_id doubles as the input id, so a retry is harmless even when the daemon died between committing
        // the input and committing the request's idempotency record: the run's ledger remembers input ids.
        let inputID = params.inputID ?? params.requestID.map { "req_\($0)" } ?? "in_\(UUID().uuidString.lowercased())"
        let outcome = try await backend.addInput(params.runID, text: params.text, inputID: inputID, client: client)
        return RunInput.Result(run: RunInfo(outcome.state), applied: outcome.applied, inputID: inputID)
    }
}

// MARK: - Conversation

/// Conversations: `run/prompt` and `run/fork`.
extension ControlConnection {
    /// Runs `run/prompt` or `run/fork`.
    func dispatchConversation(id: JSONRPCID, method: String, line: Data, client: ClientIdentity) async -> (
        ByteBuffer, AfterResponse?
    ) {
        switch method {
        case RunPrompt.name:
            let resultOf: @Sendable (RunState) -> RunPrompt.Result = {
                RunPrompt.Result(run: RunInfo($0), turn: $0.turns.count)
            }
            return await respondIdempotent(RunPrompt.self, id: id, line: line, client: client, resultOf: resultOf) {
                params, recorder in
                try Self.validate(params.runID)
                guard !params.text.isEmpty else { throw ControlError.invalidParams(field: "text", "must not be empty") }
                // As for `run/input`: a request_id doubles as the input id, so a retry after a crash between the
                // prompt and its record is recognised by the run itself.
                let inputID = params.requestID.map { "req_\($0)" } ?? "in_\(UUID().uuidString.lowercased())"
                let outcome = try await self.backend.promptRun(
                    params, inputID: inputID, client: client, recorder: recorder)
                return RunPrompt.Result(run: RunInfo(outcome.state), turn: outcome.turn)
            }
        case RunFork.name:
            let resultOf: @Sendable (RunState) -> RunFork.Result = { RunFork.Result(run: RunInfo($0)) }
            return await respondIdempotent(RunFork.self, id: id, line: line, client: client, resultOf: resultOf) {
                params, recorder in
                try Self.validate(params.runID)
                return resultOf(try await self.backend.forkRun(params, client: client, recorder: recorder))
            }
        default:
            return (WireEncoding.errorLine(id: id, .methodNotFound(method)), nil)
        }
    }
}

// MARK: - Handlers

/// Something to do right after a response is queued (e.g. start streaming a subscription's events).
typealias AfterResponse = @Sendable () -> Void

extension ControlConnection {
    /// Answers `initialize` (inline, before the next line is read).
    func handleInitialize(id: JSONRPCID, line: Data) -> ByteBuffer {
        let params: Initialize.Params
        do {
            params = try ParamsEnvelope<Initialize.Params>.decode(from: line)
        } catch {
            return WireEncoding.errorLine(id: id, error)
        }
        guard let version = ProtocolVersion(params.protocolVersion), version.major == ProtocolVersion.current.major
        else {
            return WireEncoding.errorLine(id: id, .unsupportedProtocolVersion(params.protocolVersion))
        }
        let identity = ClientIdentity(
            name: params.client.name, version: params.client.version, uid: peer.uid, pid: peer.pid,
            tty: PeerTerminal.name(ofProcess: peer.pid))
        let accepted = state.withLock { state -> Bool in
            guard state.identity == nil else { return false }
            state.identity = identity
            state.logger[metadataKey: "client.name"] = "\(identity.name)"
            state.logger[metadataKey: "client.version"] = "\(identity.version)"
            return true
        }
        guard accepted else { return WireEncoding.errorLine(id: id, .alreadyInitialized) }
        logger.debug("client initialized")
        let result = Initialize.Result(
            protocolVersion: ProtocolVersion.current.description,
            daemon: Initialize.DaemonInfo(version: configuration.daemonVersion),
            capabilities: configuration.capabilities)
        return WireEncoding.line(JSONRPCResponse(id: id, result: result))
    }

    /// Runs one request (after the handshake) and returns its response line.
    func dispatch(id: JSONRPCID, method: String, line: Data, client: ClientIdentity) async -> (
        ByteBuffer, AfterResponse?
    ) {
        switch method {
        case RunStart.name:
            let resultOf: @Sendable (RunState) -> RunStart.Result = { RunStart.Result(run: RunInfo($0)) }
            return await respondIdempotent(RunStart.self, id: id, line: line, client: client, resultOf: resultOf) {
                params, recorder in
                if let gated = params.requireApproval, gated.contains(where: \.isEmpty) {
                    throw ControlError.invalidParams(field: "require_approval", "tool names must not be empty")
                }
                return resultOf(try await self.backend.startRun(params, client: client, recorder: recorder))
            }
        case RunGet.name:
            return await respond(RunGet.self, id: id, line: line) { params in
                try Self.validate(params.runID)
                return (RunGet.Result(run: RunInfo(try await self.backend.runState(params.runID))), nil)
            }
        case RunList.name:
            return await respond(RunList.self, id: id, line: line) { params in (try await self.listRuns(params), nil) }
        case RunAttach.name:
            return await respond(RunAttach.self, id: id, line: line) { params in try await self.attach(params) }
        case RunDetach.name:
            return await respond(RunDetach.self, id: id, line: line) { params in (try self.detach(params), nil) }
        case ToolOutput.name:
            return await respond(ToolOutput.self, id: id, line: line) { params in (try await self.toolOutput(params), nil) }
        case DaemonStatus.name:
            return await respond(DaemonStatus.self, id: id, line: line) { _ in (await self.status(), nil) }
        case DaemonMetrics.name:
            return await respond(DaemonMetrics.self, id: id, line: line) { _ in
                let text = await self.backend.metricsText(connectedClients: self.context.connectionCount())
                return (DaemonMetrics.Result(text: text), nil)
            }
        case DaemonStats.name:
            return await respond(DaemonStats.self, id: id, line: line) { _ in
                let stats = await self.backend.stats(connectedClients: self.context.connectionCount())
                return (stats ?? self.noStats(), nil)
            }
        case RunInput.name, RunCancel.name, RunResume.name, ApprovalList.name, ApprovalResolve.name:
            return await dispatchControlPlane(id: id, method: method, line: line, client: client)
        case RunPrompt.name, RunFork.name:
            return await dispatchConversation(id: id, method: method, line: line, client: client)
        default:
            return (WireEncoding.errorLine(id: id, .methodNotFound(method)), nil)
        }
    }

    func respond<M: ControlMethod>(
        _ method: M.Type, id: JSONRPCID, line: Data,
        _ body: (M.Params) async throws -> (M.Result, AfterResponse?)
    ) async -> (ByteBuffer, AfterResponse?) {
        do {
            let params = try ParamsEnvelope<M.Params>.decode(from: line)
            let (result, after) = try await body(params)
            return (WireEncoding.line(JSONRPCResponse(id: id, result: result)), after)
        } catch {
            let wire = ControlErrorMapping.controlError(from: error)
            if wire.code == .internalError {
                logger.error("request failed", metadata: ["method": "\(M.name)", "error": "\(error)"])
            }
            return (WireEncoding.errorLine(id: id, wire), nil)
        }
    }

    static func validate(_ id: RunID, field: String = "run_id") throws {
        guard RunID.isWellFormed(id.rawValue) else {
            throw ControlError.invalidParams(field: field, "\"\(id.rawValue)\" is not a run id (run_…)")
        }
    }

    private func listRuns(_ params: RunList.Params) async throws -> RunList.Result {
        let limit = params.limit ?? RunList.defaultLimit
        guard (1...RunList.maximumLimit).contains(limit) else {
            throw ControlError.invalidParams(field: "limit", "must be between 1 and \(RunList.maximumLimit)")
        }
        var before: RunID?
        if let cursor = params.cursor {
            let id = RunID(rawValue: cursor)
            try Self.validate(id, field: "cursor")
            before = id
        }
        // Ask for one more than the page to learn whether another page exists.
        let summaries = try await backend.listRuns(limit: limit + 1, before: before)
        let page = Array(summaries.prefix(limit))
        let next = summaries.count > limit ? page.last?.id.rawValue : nil
        return RunList.Result(runs: page.map(RunListEntry.init), nextCursor: next)
    }

    private func attach(_ params: RunAttach.Params) async throws -> (RunAttach.Result, AfterResponse?) {
        try Self.validate(params.runID)
        let modes = [params.fromSeq != nil, params.fromEnd == true, params.last != nil].filter { $0 }.count
        guard modes <= 1 else {
            throw ControlError.invalidParams(field: "from_seq", "give at most one of from_seq, from_end and last")
        }
        if let fromSeq = params.fromSeq, fromSeq < 0 {
            throw ControlError.invalidParams(field: "from_seq", "must be 0 or more")
        }
        if let last = params.last, last < 0 { throw ControlError.invalidParams(field: "last", "must be 0 or more") }
        let active = state.withLock { $0.pumps.count }
        guard active < configuration.maxSubscriptionsPerConnection else {
            throw ControlError.overloaded(
                "more than \(configuration.maxSubscriptionsPerConnection) subscriptions on this connection; detach some"
            )
        }
        let run = try await backend.runState(params.runID)
        var fromSeq = params.fromSeq ?? 0
        if params.fromEnd == true {
            fromSeq = try await backend.lastSeq(params.runID) + 1
        } else if let last = params.last {
            fromSeq = max(0, try await backend.lastSeq(params.runID) + 1 - Int64(last))
        }
        let stream = try await backend.attachBatches(
            params.runID, fromSeq: fromSeq, acrossTurns: params.acrossTurns == true)
        let subscription = state.withLock { state -> String? in
            guard !state.closed else { return nil }
            defer { state.nextSubscription += 1 }
            return "sub_\(state.nextSubscription)"
        }
        guard let subscription else { throw ControlError.overloaded("the connection is closing") }
        queue.register(subscription: subscription, runID: params.runID, fromSeq: fromSeq)
        logger.debug("attached", metadata: ["run.id": "\(params.runID)", "subscription": "\(subscription)"])
        let result = RunAttach.Result(run: RunInfo(run), subscriptionID: subscription)
        // The pump starts only after the response is queued, so the client learns the id before any event.
        return (result, { self.startPump(subscription: subscription, runID: params.runID, stream: stream) })
    }

    private func detach(_ params: RunDetach.Params) throws -> EmptyObject {
        guard queue.end(subscription: params.subscriptionID, reason: .detached) else {
            throw ControlError.subscriptionNotFound(params.subscriptionID)
        }
        let pump = state.withLock { $0.pumps.removeValue(forKey: params.subscriptionID) }
        pump?.cancel()
        return EmptyObject()
    }

    /// What a backend without measurements answers to `daemon/stats`: zeros, and the clients the server counts.
    private func noStats() -> DaemonStats.Result {
        DaemonStats.Result(
            startedAtMillis: context.startedAtMillis, takenAtMillis: Int64(Date().timeIntervalSince1970 * 1000),
            eventsCommitted: 0, ledgerBytes: 0, upstreamReconnects: 0, turnRetries: 0,
            connectedClients: context.connectionCount(), attachedClients: 0, approvalsWaiting: 0, runsActive: 0,
            timers: [])
    }

    private func status() async -> DaemonStatus.Result {
        let backendStatus = await backend.daemonStatus()
        return DaemonStatus.Result(
            version: configuration.daemonVersion, pid: Int32(getpid()), socketPath: context.socketPath,
            stateDir: backendStatus.stateDir, startedAtMillis: context.startedAtMillis,
            runsActive: backendStatus.runsActive, clients: context.connectionCount(), upstream: backendStatus.upstream,
            tools: backendStatus.tools)
    }
}

// MARK: - Idempotency

/// The `request_id` rule (see ``IdempotencyStore``).
extension ControlConnection {
    /// Like `respond`, with the `request_id` rule: a repeat with identical params gets the stored result, a repeat
    /// with other params `idempotency key reused`; a request without `request_id` always runs.
    func respondIdempotent<M: ControlMethod>(
        _ method: M.Type, id: JSONRPCID, line: Data, client: ClientIdentity,
        _ body: @escaping (M.Params) async throws -> M.Result
    ) async -> (ByteBuffer, AfterResponse?) where M.Params: IdempotentParams {
        await respondIdempotent(method, id: id, line: line, client: client, resultOf: nil) {
            params, _ in
            try await body(params)
        }
    }

    /// ``respondIdempotent(_:id:line:client:_:)`` for a request whose result derives from the run state its effect
    /// creates: `body` gets an ``IdempotencyRecorder`` (when the request has a `request_id`) for the backend to
    /// commit the record in the same transaction as the effect.
    func respondIdempotent<M: ControlMethod>(
        _ method: M.Type, id: JSONRPCID, line: Data, client: ClientIdentity,
        resultOf: (@Sendable (RunState) -> M.Result)?,
        _ body: @escaping (M.Params, IdempotencyRecorder?) async throws -> M.Result
    ) async -> (ByteBuffer, AfterResponse?) where M.Params: IdempotentParams {
        await respond(method, id: id, line: line) { params in
            guard let requestID = params.requestID else { return (try await body(params, nil), nil) }
            guard !requestID.isEmpty else {
                throw ControlError.invalidParams(field: "request_id", "must not be empty")
            }
            let store = self.context.idempotency
            let key = IdempotencyStore.Key(uid: client.uid, requestID: requestID)
            // Sorted keys make the encoding canonical: equal params give equal hashes.
            let fingerprint = IdempotencyStore.Fingerprint(
                method: M.name, paramsHash: ContentHash.sha256Hex(Array(try JSONCoding.encodeData(params))))
            switch try await store.begin(key, fingerprint: fingerprint) {
            case .replay(let stored):
                return (try JSONCoding.decode(M.Result.self, from: stored), nil)
            case .conflict:
                throw ControlError.idempotencyKeyReused(requestID: requestID, method: M.name)
            case .execute:
                let recorder = resultOf.flatMap { resultOf in
                    store.recorder(key, fingerprint: fingerprint) { try JSONCoding.encodeData(resultOf($0)) }
                }
                do {
                    let result = try await body(params, recorder)
                    let unrecorded = await store.finish(
                        key, fingerprint: fingerprint, result: try JSONCoding.encodeData(result),
                        recorded: recorder?.wasTaken ?? false)
                    if let unrecorded {
                        // The effect happened: answer it. Only this process remembers the key now.
                        self.logger.warning(
                            "request_id record not committed; kept in memory only",
                            metadata: ["method": "\(M.name)", "error": "\(unrecorded)"])
                    }
                    return (result, nil)
                } catch {
                    await store.finish(key, fingerprint: fingerprint, result: nil)
                    throw error
                }
            }
        }
    }
}

// MARK: - Pump

extension ControlConnection {
    /// Moves one subscription's items from the backend into the outbound queue, a batch at a time: one cache
    /// look-up and one queue lock per batch, and each event's shared JSON is queued as is (the line is assembled
    /// when written). Events read from the ledger wait for the writer to make room (the next batch is pulled only
    /// then); live events never wait, and overflowing the queue cuts the subscription off.
    func startPump(subscription: String, runID: RunID, stream: AttachBatches) {
        let queue = self.queue
        let eventLines = context.eventLines
        let template = RunEventLineTemplate(subscriptionID: subscription, runID: runID)
        let task = Task {
            while let next = await stream.nextBatch() {
                let batch = next.items
                let events = batch.compactMap { item -> LedgerEvent? in
                    if case .event(let event) = item { return event }
                    return nil
                }
                if !events.isEmpty {
                    // The event's JSON is encoded once for every connection; only the ids are spliced in.
                    let lines = zip(events, eventLines.eventJSON(events)).map { event, json in
                        (seq: event.seq, line: OutboundLine.event(json: json, template: template))
                    }
                    // Live: never waits, either queued or the subscription is over (cut off, detached, closing).
                    // Ledger: waits for room, so a client that reads gets all history whatever the queue limit.
                    let queued =
                        next.fromLedger
                        ? await queue.enqueueLedgerEvents(subscription: subscription, lines)
                        : queue.enqueueEvents(subscription: subscription, lines)
                    guard queued else {
                        self.pumpEnded(subscription)
                        return
                    }
                }
                for case .ended(let reason, _) in batch {
                    queue.end(subscription: subscription, reason: reason)
                    self.pumpEnded(subscription)
                    return
                }
            }
            // The stream finished by itself (run ended), or we were cancelled (detach/shutdown already ended it).
            queue.end(subscription: subscription, reason: .runEnded)
            self.pumpEnded(subscription)
        }
        let keep = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.pumps[subscription] = task
            return true
        }
        if !keep {
            task.cancel()
            queue.end(subscription: subscription, reason: .daemonShutdown)
        }
    }

    private func pumpEnded(_ subscription: String) {
        state.withLock { state in
            // Keep the task while the connection is closing so `run` can await it.
            if !state.closed { state.pumps[subscription] = nil }
        }
    }
}

// MARK: - ToolOutput

extension ControlConnection {
    /// `tool/output`: a slice of one stream of a finished call, base64-encoded.
    func toolOutput(_ params: ToolOutput.Params) async throws -> ToolOutput.Result {
        try Self.validate(params.runID)
        guard !params.callID.isEmpty else { throw ControlError.invalidParams(field: "call_id", "must not be empty") }
        let offset = params.offset ?? 0
        guard offset >= 0 else { throw ControlError.invalidParams(field: "offset", "must be 0 or more") }
        let limit = params.limit ?? ToolOutput.maxLimit
        guard (1...ToolOutput.maxLimit).contains(limit) else {
            throw ControlError.invalidParams(field: "limit", "must be 1…\(ToolOutput.maxLimit)")
        }
        let stream = params.stream ?? .stdout
        let stored = try await backend.toolOutput(params.runID, callID: params.callID, stream: stream)
        let start = min(offset, stored.bytes.count)
        let slice = stored.bytes[start..<min(stored.bytes.count, start + limit)]
        return ToolOutput.Result(
            runID: params.runID, callID: params.callID, stream: stream, source: stored.source,
            totalBytes: stored.bytes.count, offset: start, dataBase64: Data(slice).base64EncodedString())
    }
}
