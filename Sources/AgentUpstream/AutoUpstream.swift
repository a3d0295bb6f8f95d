import AgentModel
import Foundation
import Logging

/// The daemon's upstream: the transport chosen by `configuration.transport`, behind the one port.
///
/// * `websocket`: a ``WebSocketPool`` only.
/// * `sse`: an ``SSEUpstream`` only.
/// * `auto`: the pool, falling back to SSE for the rest of the process (sticky) when an upgrade is refused with
///   HTTP 426 or `fallbackAfterConnectFailures` connect attempts fail in a row while no connection is open
///   (``TransportFallbackPolicy``). On fallback the pool is stopped; its leases turn unusable and its in-flight
///   responses fail as `.connectionLost`, so the engine re-leases (now over SSE) and resends the full context;
///   leases waiting on the pool are served by SSE.
///
/// Run it with ``run()`` (a long-lived service) and read ``transportStatus()`` for `agentctl status`.
public actor AutoUpstream: ResponsesUpstream {
    /// The configured mode.
    public nonisolated let mode: UpstreamTransport
    /// The WebSocket pool (idle in `sse` mode).
    public nonisolated let pool: WebSocketPool
    /// The HTTP+SSE transport (idle until used).
    public nonisolated let sse: SSEUpstream
    /// The endpoint without credentials, query or fragment (``UpstreamConfiguration/redactedURL``).
    public nonisolated let redactedURL: String
    private let logger: Logger
    private let threshold: Int
    /// Set once, when `auto` falls back; read synchronously by ``AutoLane``.
    private let fellBack = SharedMutex(false)
    private var fallbackReason: String?

    /// Creates the upstream for `configuration.transport`; nothing connects until ``run()``.
    /// - Parameters:
    ///   - configuration: the upstream configuration (one for both transports; see ``SSEUpstream``).
    ///   - logger: receives transport events; the API key is never logged.
    public init(configuration: UpstreamConfiguration, logger: Logger) {
        self.mode = configuration.transport
        self.pool = WebSocketPool(configuration: configuration, logger: logger)
        self.sse = SSEUpstream(configuration: configuration, logger: logger)
        self.redactedURL = configuration.redactedURL
        self.logger = logger
        self.threshold = configuration.fallbackAfterConnectFailures
    }

    /// Posts `body` to `/responses/compact` over HTTP, whatever the transport (see
    /// ``ResponsesUpstream/compact(_:)``).
    public func compact(_ body: String) async throws -> String {
        try await sse.compact(body)
    }

    /// Runs the active transport until cancelled (in `auto` mode: the pool, then SSE after a fallback).
    public func run() async throws {
        switch mode {
        case .websocket:
            try await pool.run()
        case .sse:
            try await sse.run()
        case .auto:
            // Subscribe before the pool starts so that no connect failure goes unobserved.
            let events = await pool.connectionEvents()
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await self.sse.run() }
                await withTaskGroup(of: Void.self) { poolGroup in
                    poolGroup.addTask { try? await self.pool.run() }
                    var policy = TransportFallbackPolicy(threshold: threshold)
                    // Ends when a fallback is decided, or when the pool stops (then the events finish).
                    for await event in events {
                        if let reason = policy.observe(event) {
                            fallBack(reason: reason)
                            break
                        }
                    }
                    // Stops the pool after a fallback (sticky); a no-op when it has stopped already.
                    poolGroup.cancelAll()
                }
                await group.waitForAll()
            }
        }
    }

    private func fallBack(reason: String) {
        guard !fellBack.current else { return }
        fallbackReason = reason
        fellBack.exchange(true)
        logger.warning(
            "falling back to HTTP+SSE for the rest of the process", metadata: ["upstream.reason": "\(reason)"])
    }

    /// Whether SSE serves new leases.
    private var usesSSE: Bool { mode == .sse || fellBack.current }

    /// Leases from the active transport; in `auto` mode a lease that was waiting on the pool when it fell back is
    /// served by SSE instead.
    ///
    /// - Throws: what the active transport throws.
    public func lease(for run: RunID) async throws -> any UpstreamLane {
        if usesSSE { return try await sse.lease(for: run) }
        guard mode == .auto else { return try await pool.lease(for: run) }
        do {
            let lane = try await pool.lease(for: run)
            // Re-check after the await: the fallback may have happened while the lease waited.
            if usesSSE {
                await lane.release()
                return try await sse.lease(for: run)
            }
            return AutoLane(inner: lane, fellBack: fellBack)
        } catch let failure as UpstreamFailure where failure.code == .shutdown || failure.code == .connectFailed {
            guard usesSSE else { throw failure }
            return try await sse.lease(for: run)
        }
    }

    /// The transport serving new leases (`websocket` or `sse`) and why it is not the configured one, if it is not.
    public func transportStatus() -> (active: String, reason: String?) {
        switch mode {
        case .websocket: return ("websocket", nil)
        case .sse: return ("sse", "configured")
        case .auto: return usesSSE ? ("sse", fallbackReason) : ("websocket", nil)
        }
    }

    /// The WebSocket connections (all `stopped` once SSE is active).
    public func status() async -> [UpstreamConnectionStatus] {
        await pool.status()
    }

    /// Why a lease waits now (the pool's trouble; `nil` while SSE serves).
    public func connectionTrouble() async -> UpstreamTrouble? {
        usesSSE ? nil : await pool.connectionTrouble()
    }

    /// The WebSocket pool's lease queue.
    public func queueStats() async -> UpstreamQueueStats {
        await pool.queueStats()
    }

    /// The SSE transport's leases and counters.
    public func sseStatus() async -> SSEUpstreamStatus {
        await sse.status()
    }
}
