import Foundation
import Hummingbird
import HummingbirdWSCompression
import HummingbirdWebSocket
import Logging

/// A local emulator of the OpenAI Responses API: WebSocket mode on `GET /v1/responses` and HTTP/SSE on
/// `POST /v1/responses`, answering with scripted models (`emu-text`, `emu-tools-N`, `emu-fail`).
///
/// Start it with ``run()`` in a task (cancel the task to stop it), then learn its address with ``baseURL()``;
/// or use ``withRunning(configuration:logger:_:)``. One instance serves one ``run()``.
public final class ResponsesEmulator: Sendable {
    /// How the emulator listens, answers and misbehaves.
    public let configuration: EmulatorConfiguration
    /// Every frame and request seen, and every broken request invariant.
    public let recorder: EmulatorRecorder
    /// Switch for an upstream outage at run time (connections dropped, upgrades refused and counted).
    public let outage = EmulatorOutage()
    /// Switch for a rate-limit storm at run time (429s with `retry-after`).
    public let rateLimits = EmulatorRateLimits()
    private let logger: Logger
    private let ready = ReadySignal()
    private let store = ResponseStore()

    /// Creates an emulator; nothing listens until ``run()``.
    /// - Parameters:
    ///   - configuration: address, latency and faults.
    ///   - logger: where the emulator logs (info and below).
    public init(configuration: EmulatorConfiguration = .init(), logger: Logger) {
        self.configuration = configuration
        self.recorder = EmulatorRecorder()
        self.logger = logger
    }

    /// The HTTP base URL, `http://HOST:PORT/v1`, once the server is bound (waits until then).
    ///
    /// The WebSocket endpoint is the same URL with the `ws` scheme plus `/responses`.
    /// - Throws: the error that stopped ``run()`` before the server was bound.
    public func baseURL() async throws -> URL {
        try await ready.wait()
    }

    /// Runs the server until the calling task is cancelled.
    /// - Throws: if the address cannot be bound or the server fails.
    public func run() async throws {
        var engine = ResponseEngine(configuration: configuration, recorder: recorder, store: store)
        engine.rateLimits = rateLimits
        let router = Router(context: EmulatorRequestContext.self)
        HTTPRoutes(engine: engine, logger: logger, outage: outage).register(on: router)

        let host = configuration.host
        let ready = self.ready
        let logger = self.logger
        let applicationConfiguration = ApplicationConfiguration(
            address: .hostname(host, port: configuration.port),
            serverName: nil
        )
        let onServerRunning: @Sendable (_ port: Int) -> Void = { port in
            let urlHost = host.contains(":") ? "[\(host)]" : host
            if let url = URL(string: "http://\(urlHost):\(port)/v1") {
                logger.info("responses emulator listening", metadata: ["emu.url": "\(url.absoluteString)"])
                ready.resolve(.success(url))
            }
        }

        let app: Application<RouterResponder<EmulatorRequestContext>>
        if configuration.faults.refuseUpgradeWith426 {
            // Without an upgrader the upgrade request reaches the router, which answers 426 with a JSON body.
            app = Application(
                router: router,
                server: .http1(),
                configuration: applicationConfiguration,
                onServerRunning: { onServerRunning($0.localAddress?.port ?? 0) },
                logger: logger
            )
        } else {
            let webSocketRouter = Router(context: EmulatorRequestContext.self)
            let connection = WebSocketConnection(engine: engine, logger: logger, outage: outage)
            let requireAuthorization = configuration.requireAuthorization
            let outage = self.outage
            webSocketRouter.ws(
                "/v1/responses",
                shouldUpgrade: { request, _ in
                    if outage.refuseUpgradeIfDown() {
                        throw HTTPError(.serviceUnavailable, message: EmulatorOutage.unavailable.message)
                    }
                    guard !requireAuthorization || HTTPRoutes.isAuthorized(request.headers[.authorization]) else {
                        return .dontUpgrade
                    }
                    return .upgrade([:])
                },
                onUpgrade: { inbound, outbound, context in
                    await connection.serve(inbound: inbound, outbound: outbound, context: context)
                }
            )
            app = Application(
                router: router,
                server: .http1WebSocketUpgrade(
                    webSocketRouter: webSocketRouter,
                    configuration: .init(
                        ws: .init(
                            maxFrameSize: WebSocketConnection.maxMessageSize,
                            // Codex negotiates permessage-deflate; the official SDK does not. Serve both.
                            extensions: [.perMessageDeflate(maxDecompressedFrameSize: WebSocketConnection.maxMessageSize)]
                        ))
                ),
                configuration: applicationConfiguration,
                onServerRunning: { onServerRunning($0.localAddress?.port ?? 0) },
                logger: logger
            )
        }
        do {
            try await app.run()
        } catch {
            ready.resolve(.failure(error))
            throw error
        }
        ready.resolve(.failure(CancellationError()))
    }

    /// Runs an emulator for the duration of `body`, then stops it.
    /// - Parameters:
    ///   - configuration: address, latency and faults.
    ///   - logger: where the emulator logs.
    ///   - body: gets the running emulator and its base URL (`http://127.0.0.1:PORT/v1`).
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws, or the start-up failure.
    public static func withRunning<T: Sendable>(
        configuration: EmulatorConfiguration = .init(),
        logger: Logger,
        _ body: @Sendable (ResponsesEmulator, URL) async throws -> T
    ) async throws -> T {
        let emulator = ResponsesEmulator(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await emulator.run() }
            defer { group.cancelAll() }
            let url = try await emulator.baseURL()
            return try await body(emulator, url)
        }
    }
}
