import Hummingbird
import HummingbirdWebSocket
import Logging

/// Serves one upgraded `/v1/responses` WebSocket connection: a reader, a single ordered writer, the optional
/// connection-age timer and one child task per running response, all in one task group.
struct WebSocketConnection {
    /// Largest accepted client message (the real SDK sets no limit at all).
    static let maxMessageSize = 64 << 20

    let engine: ResponseEngine
    let logger: Logger
    let outage: EmulatorOutage

    func serve(
        inbound: WebSocketInboundStream,
        outbound: WebSocketOutboundWriter,
        context: WebSocketRouterContext<EmulatorRequestContext>
    ) async {
        var headers: [String: String] = [:]
        for field in context.request.headers {
            let name = field.name.canonicalName
            headers[name] = name == "authorization" ? "Bearer <redacted>" : field.value
        }
        let connectionID = engine.recorder.openConnection(path: context.request.uri.path, headers: headers)
        let logger = {
            var logger = self.logger
            logger[metadataKey: "emu.conn"] = "\(connectionID)"
            return logger
        }()
        logger.debug("websocket connection opened")

        let (outputStream, output) = AsyncStream.makeStream(of: WebSocketSession.Outbound.self)
        let (jobStream, jobs) = AsyncStream.makeStream(of: WebSocketSession.Job.self)
        let session = WebSocketSession(
            connectionID: connectionID,
            engine: engine,
            logger: logger,
            output: output,
            jobs: jobs
        )
        let closeAbruptly = context.requestContext.closeConnectionAbruptly
        let maxAge = engine.configuration.maxConnectionAge
        outage.register(connectionID) { Task { await session.drop(reason: "outage") } }
        defer { outage.unregister(connectionID) }

        await withDiscardingTaskGroup { group in
            group.addTask {
                for await item in outputStream {
                    switch item {
                    case .text(let text):
                        do { try await outbound.writeTextMessage(text) } catch { return }
                    case .close:
                        try? await outbound.close(.normalClosure, reason: "connection age limit reached")
                        return
                    case .drop:
                        closeAbruptly()
                        return
                    }
                }
            }
            group.addTask {
                do {
                    for try await message in inbound.messages(maxSize: Self.maxMessageSize) {
                        switch message {
                        case .text(let text): await session.receive(text)
                        case .binary: await session.receiveBinary()
                        }
                    }
                } catch {
                    logger.debug("websocket read ended", metadata: ["error": "\(error)"])
                }
                await session.inboundEnded()
            }
            if let maxAge {
                group.addTask {
                    do {
                        try await Task.sleep(for: maxAge)
                        await session.connectionAgeReached()
                    } catch {}
                }
            }
            for await job in jobStream {
                group.addTask { await job() }
            }
            group.cancelAll()
        }
        logger.debug("websocket connection closed")
    }
}
