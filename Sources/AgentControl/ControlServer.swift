import Synchronization
import AgentModel
import AgentProtocol
import Foundation
import Logging
import NIOCore
import NIOExtras
import NIOPosix

import Glibc

/// The Unix-socket JSON-RPC server of the control API.
///
/// `start()` returns once the socket is bound and listening (signal readiness then); `run()` serves until it is
/// cancelled or ``shutdown()`` is called, then stops gracefully: it closes the listening socket, ends every
/// subscription with `daemon_shutdown`, writes what is queued (bounded by `shutdownDrainTimeout`), closes every
/// connection and removes the socket file.
public final class ControlServer: Sendable {
    typealias Listener = NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>

    private enum Phase {
        case idle
        case starting
        case listening(Listener)
        case serving(Listener)
        case shuttingDown
        case stopped
    }

    private struct State {
        var phase: Phase = .idle
        var connections: [Int: ControlConnection] = [:]
        var accepted = 0
        var nextConnectionID = 0
        var startedAtMillis: Int64 = 0
        var shutdownRequested = false
    }

    /// The socket file's path.
    public let socketPath: String
    private let backend: any ControlBackend
    private let configuration: ControlConfiguration
    let logger: Logger
    private let state = Mutex(State())
    let idempotency: IdempotencyStore
    private let eventLines = EventLineCache()
    /// A listening socket inherited from the service manager (socket activation): served instead of binding, and
    /// its file is left in place on shutdown because the service manager owns it.
    private let inheritedListener: Int32?

    /// Creates a server; nothing is bound until ``start()`` or ``run()``.
    ///
    /// - Parameter inheritedListener: an already listening `AF_UNIX` stream socket to serve (socket activation);
    ///   `socketPath` must be the path it is bound to.
    public init(
        socketPath: String, backend: any ControlBackend, configuration: ControlConfiguration = ControlConfiguration(),
        logger: Logger = Logger(label: "agentd.control"), inheritedListener: Int32? = nil
    ) {
        self.socketPath = socketPath
        self.inheritedListener = inheritedListener
        self.backend = backend
        self.configuration = configuration
        self.idempotency = IdempotencyStore(
            capacity: configuration.idempotencyCapacity, ttl: configuration.idempotencyTTL,
            now: configuration.idempotencyClock, persistent: backend.requestStore)
        var logger = logger
        logger[metadataKey: "socket.path"] = "\(socketPath)"
        self.logger = logger
    }

    /// Connected, authorised clients.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Binds and listens; returns once clients can connect.
    ///
    /// - Throws: ``ControlServerError`` `alreadyRunning` when another daemon answers on the path, or another
    ///   ``ControlServerError`` when the path is unusable or bind fails.
    public func start() async throws {
        try state.withLock { state in
            guard case .idle = state.phase else {
                throw ControlServerError(code: .invalidState, message: "the control server was already started")
            }
            state.phase = .starting
        }
        do {
            let listener: Listener
            if let inheritedListener {
                listener = try await adopt(inheritedListener)
            } else {
                try SocketPreparation.prepare(path: socketPath, logger: logger)
                listener = try await SocketPreparation.withPrivateUmask { try await bind() }
            }
            let abandon = state.withLock { state -> Bool in
                // Re-check after the await: shutdown() may have been called meanwhile.
                if state.shutdownRequested {
                    state.phase = .stopped
                    return true
                }
                state.phase = .listening(listener)
                state.startedAtMillis = LedgerEvent.nowMillis()
                return false
            }
            if abandon {
                try? await listener.channel.close()
                if inheritedListener == nil { unlink(socketPath) }
                return
            }
            logger.info("control socket listening", metadata: ["socket.inherited": "\(inheritedListener != nil)"])
            await pruneIdempotencyRecords()
        } catch let error as ControlServerError {
            state.withLock { $0.phase = .idle }
            throw error
        } catch {
            state.withLock { $0.phase = .idle }
            throw ControlServerError(code: .bindFailed, message: "cannot listen on \(socketPath): \(error)")
        }
    }

    /// Serves clients until cancelled or ``shutdown()``; binds first if ``start()`` was not called.
    public func run() async throws {
        let needsStart = state.withLock { state -> Bool in
            if case .idle = state.phase { return true }
            return false
        }
        if needsStart { try await start() }
        let listener: Listener? = try state.withLock { state in
            switch state.phase {
            case .listening(let listener):
                state.phase = .serving(listener)
                return listener
            case .stopped, .shuttingDown:
                return nil
            default:
                throw ControlServerError(code: .invalidState, message: "the control server is not listening")
            }
        }
        guard let listener else { return }
        // Connections are served in an unstructured task so that cancelling `run()` starts a graceful shutdown
        // (their writers must still be able to write `daemon_shutdown`) rather than cancelling every write.
        let serving = Task { await self.serve(listener) }
        await withTaskCancellationHandler {
            await serving.value
        } onCancel: {
            self.shutdown()
        }
        state.withLock { $0.phase = .stopped }
        logger.info("control socket closed")
    }

    /// Starts a graceful shutdown; ``run()`` returns once it is complete.
    public func shutdown() {
        let (listener, connections) = state.withLock { state -> (Listener?, [ControlConnection]) in
            state.shutdownRequested = true
            switch state.phase {
            case .listening(let listener), .serving(let listener):
                state.phase = .shuttingDown
                return (listener, Array(state.connections.values))
            default:
                return (nil, Array(state.connections.values))
            }
        }
        guard let listener else { return }
        logger.info("control server shutting down", metadata: ["clients": "\(connections.count)"])
        listener.channel.close(promise: nil)
        // An inherited socket's file belongs to the service manager, which keeps listening and starts the daemon
        // again on the next connection.
        if inheritedListener == nil { unlink(socketPath) }
        for connection in connections { connection.beginShutdown() }
    }

    private func bind() async throws -> Listener {
        let maxLineBytes = configuration.maxLineBytes
        return try await ServerBootstrap(group: configuration.eventLoopGroup)
            .serverChannelOption(.backlog, value: configuration.listenBacklog)
            .childChannelOption(.allowRemoteHalfClosure, value: false)
            .bind(unixDomainSocketPath: socketPath, cleanupExistingSocketFile: false) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(BoundedLineFrameDecoder(maxLineBytes: maxLineBytes)))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Serves an already listening socket passed by the service manager.
    private func adopt(_ descriptor: Int32) async throws -> Listener {
        let maxLineBytes = configuration.maxLineBytes
        return try await ServerBootstrap(group: configuration.eventLoopGroup)
            .childChannelOption(.allowRemoteHalfClosure, value: false)
            .bind(descriptor) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(BoundedLineFrameDecoder(maxLineBytes: maxLineBytes)))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    private func serve(_ listener: Listener) async {
        await withDiscardingTaskGroup { group in
            do {
                try await listener.executeThenClose { inbound in
                    for try await child in inbound {
                        group.addTask { await self.handle(child) }
                    }
                }
            } catch {
                let stopping = state.withLock { $0.shutdownRequested }
                if !stopping { logger.error("accept loop failed", metadata: ["error": "\(error)"]) }
            }
        }
    }

    private func handle(_ child: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let channel = child.channel
        do {
            try await child.executeThenClose { inbound, outbound in
                let peer = try? await configuration.peerCredentials(channel)
                var logger = self.logger
                logger[metadataKey: "peer.uid"] = "\(peer.map { String($0.uid) } ?? "unknown")"
                logger[metadataKey: "peer.pid"] = "\(peer.map { String($0.pid) } ?? "unknown")"
                guard let peer, configuration.allowedUIDs.contains(peer.uid) else {
                    logger.warning("refusing connection from a uid that is not allowed")
                    let error = ControlError.permissionDenied(peerUID: peer?.uid, daemonUID: UInt32(getuid()))
                    try await outbound.write(WireEncoding.errorLine(id: nil, error))
                    return
                }
                guard let connection = register(peer: peer, channel: channel, logger: logger) else {
                    let error = ControlError.overloaded(
                        "too many clients (limit \(configuration.maxConnections)) or the daemon is shutting down")
                    try await outbound.write(WireEncoding.errorLine(id: nil, error))
                    return
                }
                defer { unregister(connection.id) }
                logger.debug("client connected")
                await connection.connection.run(inbound: inbound, outbound: outbound)
                logger.debug("client disconnected")
            }
        } catch {
            logger.debug("connection closed with an error", metadata: ["error": "\(error)"])
        }
    }

    private func register(peer: PeerCredentials, channel: any Channel, logger: Logger) -> (
        id: Int, connection: ControlConnection
    )? {
        let context = ServerContext(
            socketPath: socketPath, startedAtMillis: state.withLock { $0.startedAtMillis },
            connectionCount: { [weak self] in self?.connectionCount ?? 0 }, idempotency: idempotency,
            eventLines: eventLines)
        let connection = ControlConnection(
            peer: peer, channel: channel, backend: backend, configuration: configuration, context: context,
            logger: logger)
        return state.withLock { state in
            guard !state.shutdownRequested, state.connections.count < configuration.maxConnections else { return nil }
            let id = state.nextConnectionID
            state.nextConnectionID += 1
            state.connections[id] = connection
            return (id, connection)
        }
    }

    private func unregister(_ id: Int) {
        state.withLock { _ = $0.connections.removeValue(forKey: id) }
    }
}
