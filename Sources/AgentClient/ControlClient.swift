import Synchronization
import AgentModel
import AgentProtocol
import Foundation
import NIOCore
import NIOExtras
import NIOPosix

import Glibc

/// A typed client of agentd's control socket.
///
/// One reader task dispatches responses (by id) and notifications (by subscription); calls may run concurrently.
public final class ControlClient: Sendable {
    private struct State {
        var nextID: Int64 = 1
        var pending: [Int64: ResponseBox] = [:]
        var subscriptions: [String: AsyncThrowingStream<AttachItem, any Error>.Continuation] = [:]
        var outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>?
        /// Set once the connection is gone; later calls fail with it.
        var closedError: (any Error)?
        /// An error the daemon sent without an id (permission denied, request too large): the reason it closes.
        var connectionError: ControlError?
        /// The reader; awaited when a write fails so an error line already received is reported instead.
        var reader: Task<Void, Never>?
    }

    /// The socket this client is connected to.
    public let socketPath: String
    private let channel: any Channel
    private let state = Mutex(State())

    private init(socketPath: String, channel: any Channel) {
        self.socketPath = socketPath
        self.channel = channel
    }

    /// Connects to the daemon's socket.
    ///
    /// - Throws: ``ControlClientError`` `notRunning` ("agentd is not running (no socket at PATH)") when there is
    ///   no socket or nobody listens; `permissionDenied` when the socket is not accessible; `untrustedDaemon`
    ///   (before anything is sent) when the socket or its listener belongs to a user this client does not trust
    ///   (see ``DaemonTrust``).
    public static func connect(
        socketPath: String, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        maxLineBytes: Int = 64 << 20
    ) async throws -> ControlClient {
        var info = stat()
        if stat(socketPath, &info) != 0 {
            if errno == EACCES {
                throw ControlClientError(
                    code: .permissionDenied,
                    message: "permission denied: cannot reach the agentd socket at \(socketPath)")
            }
            throw ControlClientError(code: .notRunning, message: "agentd is not running (no socket at \(socketPath))")
        }
        // Checked before anything is sent: a listener another user planted must never see a prompt.
        if let problem = DaemonTrust.socketProblem(socketPath: socketPath, socket: info, uid: geteuid()) {
            throw ControlClientError(code: .untrustedDaemon, message: problem)
        }
        let asyncChannel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            asyncChannel = try await ClientBootstrap(group: eventLoopGroup)
                .connect(unixDomainSocketPath: socketPath) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(LineBasedFrameDecoder(), maximumBufferSize: maxLineBytes))
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw connectError(error, socketPath: socketPath)
        }
        let peerUID = await PeerUID.lookup(asyncChannel.channel)
        let peerProblem = peerUID.flatMap {
            DaemonTrust.peerProblem(socketPath: socketPath, peerUID: $0, socketOwner: info.st_uid, uid: geteuid())
        }
        // No credentials from a channel the listener already closed (a daemon refusing this uid answers and closes
        // at once): nothing can be sent on it, so the refusal it sent is read instead of being hidden by this check.
        let unverifiable = peerUID == nil && asyncChannel.channel.isActive
        if let problem = unverifiable ? "cannot read the credentials of the process listening on \(socketPath)" : peerProblem {
            try? await asyncChannel.channel.close()
            throw ControlClientError(code: .untrustedDaemon, message: problem)
        }
        let client = ControlClient(socketPath: socketPath, channel: asyncChannel.channel)
        await client.startReader(asyncChannel)
        return client
    }

    private static func connectError(_ error: any Error, socketPath: String) -> ControlClientError {
        let code = (error as? IOError)?.errnoCode
        switch code {
        case ECONNREFUSED, ENOENT:
            return ControlClientError(
                code: .notRunning, message: "agentd is not running (no socket at \(socketPath) accepts connections)")
        case EACCES, EPERM:
            return ControlClientError(
                code: .permissionDenied, message: "permission denied connecting to the agentd socket at \(socketPath)")
        default:
            return ControlClientError(code: .connectFailed, message: "cannot connect to \(socketPath): \(error)")
        }
    }

    /// Starts the reader task and returns once the writer is available.
    private func startReader(_ asyncChannel: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        await withCheckedContinuation { (ready: CheckedContinuation<Void, Never>) in
            // The reader owns the channel's scope; it lives as long as the connection (not a structured child of
            // `connect`, which returns while the connection stays open).
            let reader = Task {
                var readyCalled = false
                do {
                    try await asyncChannel.executeThenClose { inbound, outbound in
                        self.state.withLock { $0.outbound = outbound }
                        ready.resume()
                        readyCalled = true
                        for try await line in inbound {
                            self.dispatch(Data(line.readableBytesView))
                        }
                    }
                } catch {
                    self.failAll(error)
                }
                if !readyCalled { ready.resume() }
                self.failAll(nil)
            }
            state.withLock { $0.reader = reader }
        }
    }

    /// Performs the handshake; required before any other call.
    @discardableResult
    public func initialize(clientName: String, version: String) async throws -> Initialize.Result {
        try await call(
            Initialize.self,
            Initialize.Params(client: Initialize.ClientInfo(name: clientName, version: version)))
    }

    /// Sends one request and waits for its result.
    ///
    /// - Throws: ``ControlError`` when the daemon answers with an error; ``ControlClientError`` when the
    ///   connection fails.
    public func call<M: ControlMethod>(_ method: M.Type, _ params: M.Params) async throws -> M.Result {
        let data = try await send(method: M.name, params: params, onSuccess: nil)
        do {
            return try JSONDecoder().decode(ResultEnvelope<M.Result>.self, from: data).result
        } catch {
            throw ControlClientError(
                code: .protocolViolation, message: "cannot read the result of \(M.name): \(error)")
        }
    }

    /// Attaches to a run; the subscription's stream yields its events, then the end marker.
    public func attach(_ params: RunAttach.Params) async throws -> ControlSubscription {
        let (stream, continuation) = AsyncThrowingStream<AttachItem, any Error>.makeStream()
        let data = try await send(method: RunAttach.name, params: params) { data in
            // Runs in the reader before the next line, so no event of this subscription can be missed.
            guard let result = try? JSONDecoder().decode(ResultEnvelope<RunAttach.Result>.self, from: data) else {
                return
            }
            self.state.withLock { $0.subscriptions[result.result.subscriptionID] = continuation }
        }
        let result: RunAttach.Result
        do {
            result = try JSONDecoder().decode(ResultEnvelope<RunAttach.Result>.self, from: data).result
        } catch {
            continuation.finish(throwing: error)
            throw ControlClientError(
                code: .protocolViolation, message: "cannot read the result of run/attach: \(error)")
        }
        return ControlSubscription(run: result.run, subscriptionID: result.subscriptionID, events: stream)
    }

    /// Attaches to `runID` from `fromSeq`: the events, then the end marker (the stream then finishes).
    ///
    /// Stopping the iteration early detaches the subscription on the daemon.
    public func attach(runID: RunID, fromSeq: Int64 = 0) -> AsyncThrowingStream<AttachItem, any Error> {
        AsyncThrowingStream { continuation in
            let subscriptionID = SharedMutex<String?>(nil)
            let task = Task {
                do {
                    let subscription = try await self.attach(RunAttach.Params(runID: runID, fromSeq: fromSeq))
                    subscriptionID.withLock { $0 = subscription.subscriptionID }
                    for try await item in subscription.events {
                        if case .ended = item { subscriptionID.withLock { $0 = nil } }
                        continuation.yield(item)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { termination in
                task.cancel()
                guard case .cancelled = termination, let id = subscriptionID.withLock({ $0 }) else { return }
                Task { try? await self.detach(subscriptionID: id) }
            }
        }
    }

    /// Ends a subscription; its stream yields `ended(detached, …)` and finishes.
    public func detach(subscriptionID: String) async throws {
        _ = try await call(RunDetach.self, RunDetach.Params(subscriptionID: subscriptionID))
    }

    /// Closes the connection; pending calls fail with `connectionClosed`.
    public func close() async {
        try? await channel.close()
        failAll(nil)
    }

    // MARK: Internals

    private func send<P: Codable & Sendable & Equatable>(
        method: String, params: P, onSuccess: (@Sendable (Data) -> Void)?
    ) async throws -> Data {
        let box = ResponseBox(onSuccess: onSuccess)
        let (id, outbound, closed) = state.withLock {
            state -> (Int64, NIOAsyncChannelOutboundWriter<ByteBuffer>?, (any Error)?) in
            if let error = state.closedError { return (0, nil, error) }
            let id = state.nextID
            state.nextID += 1
            state.pending[id] = box
            return (id, state.outbound, nil)
        }
        if let closed { throw closed }
        guard let outbound else {
            throw ControlClientError(code: .connectionClosed, message: "the connection to agentd is not open")
        }
        var buffer = ByteBuffer()
        buffer.writeBytes(try JSONCoding.encodeData(JSONRPCRequest(id: .number(id), method: method, params: params)))
        buffer.writeInteger(UInt8(ascii: "\n"))
        return try await withTaskCancellationHandler {
            do {
                try await outbound.write(buffer)
            } catch {
                state.withLock { _ = $0.pending.removeValue(forKey: id) }
                // The daemon may have sent a reason (e.g. permission denied) just before closing: let the reader
                // finish the lines it already has before choosing the error.
                await state.withLock { $0.reader }?.value
                throw closedError(error)
            }
            return try await box.value
        } onCancel: {
            self.state.withLock { _ = $0.pending.removeValue(forKey: id) }
            box.complete(.failure(CancellationError()))
        }
    }

    private func dispatch(_ line: Data) {
        // Events are most of the traffic: one parse instead of three when the line has the expected shape.
        if let params = RunEventLineDecoder.decode(line) {
            let continuation = state.withLock { $0.subscriptions[params.subscriptionID] }
            continuation?.yield(.event(params.event))
            return
        }
        guard case .success(let header) = JSONRPCHeader.parse(line) else { return }
        switch header.kind {
        case .response(let id):
            // Only lines that are not a plain result carry an error object worth decoding.
            let isError =
                Self.mayBeError(line) ? (try? JSONDecoder().decode(ErrorEnvelope.self, from: line)).map(\.error) : nil
            guard case .number(let number)? = id else {
                // An error without an id concerns the connection (permission denied, line too large).
                if let isError { state.withLock { $0.connectionError = isError } }
                return
            }
            guard let box = state.withLock({ $0.pending.removeValue(forKey: number) }) else { return }
            if let isError {
                box.complete(.failure(isError))
            } else {
                box.onSuccess?(line)
                box.complete(.success(line))
            }
        case .notification(let method):
            switch method {
            case RunEventNotification.name:
                guard
                    let params = try? JSONDecoder().decode(
                        NotificationEnvelope<RunEventNotification.Params>.self, from: line
                    ).params
                else { return }
                let continuation = state.withLock { $0.subscriptions[params.subscriptionID] }
                continuation?.yield(.event(params.event))
            case RunAttachEnded.name:
                guard
                    let params = try? JSONDecoder().decode(NotificationEnvelope<RunAttachEnded.Params>.self, from: line)
                        .params
                else { return }
                let continuation = state.withLock { $0.subscriptions.removeValue(forKey: params.subscriptionID) }
                continuation?.yield(.ended(reason: params.reason, nextSeq: params.nextSeq))
                continuation?.finish()
            default:
                return
            }
        case .request:
            return
        }
    }

    /// Whether `line` has an `"error"` member (cheap byte search before a full decode).
    private static func mayBeError(_ line: Data) -> Bool {
        line.range(of: Data(#""error""#.utf8)) != nil
    }

    private func closedError(_ underlying: (any Error)?) -> any Error {
        if let error = state.withLock({ $0.connectionError }) { return error }
        return ControlClientError(
            code: .connectionClosed,
            message: "the connection to agentd closed" + (underlying.map { ": \($0)" } ?? ""))
    }

    private func failAll(_ underlying: (any Error)?) {
        let error = closedError(underlying)
        let (boxes, subscriptions) = state.withLock { state in
            if state.closedError == nil { state.closedError = error }
            let boxes = Array(state.pending.values)
            let subscriptions = Array(state.subscriptions.values)
            state.pending.removeAll()
            state.subscriptions.removeAll()
            state.outbound = nil
            return (boxes, subscriptions)
        }
        for box in boxes { box.complete(.failure(error)) }
        for continuation in subscriptions { continuation.finish(throwing: error) }
    }
}
