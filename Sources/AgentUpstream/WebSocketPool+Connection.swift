import AgentModel
import Foundation
import Logging
import NIOPosix
import WSClient

extension WebSocketPool {
    /// Why one connection attempt ended.
    private enum AttemptEnd: Error {
        case connectTimeout
        case killed
        /// An open connection ended with no close frame from the server: our ping went unanswered for a whole
        /// ping interval (a frozen or half-open peer), or the TCP connection dropped.
        case endedWithoutCloseFrame
    }

    private enum ChildResult: Sendable {
        case clientEnded
        case other
    }

    /// Keeps slot `c` connected until cancelled: connect, serve, and reconnect (at once after a planned close,
    /// otherwise with backoff).
    func maintainConnection(_ c: Int) async {
        var backoff = ReconnectBackoff(policy: configuration.backoff)
        var random = SystemRandomNumberGenerator()
        // The answer to the first declined upgrade of the current failure streak.
        var lastRefusal: UpgradeRefusal?
        var probed = false
        defer { maintained.remove(c) }
        while !Task.isCancelled, c < targetConnections {
            let (killSignal, kill) = AsyncStream.makeStream(of: Void.self)
            let attempt = beginAttempt(c, kill: kill)
            let error = await connectOnce(c, attempt: attempt, killSignal: killSignal)
            var refusal: UpgradeRefusal? = nil
            if let declined = error as? WebSocketClientError, declined == .webSocketUpgradeFailed, !Task.isCancelled {
                if !probed {
                    probed = true
                    // The client does not say why; ask again over plain HTTP to learn the status (426 ⇒ use SSE).
                    // Only once per failure streak: a probe is one more upgrade request for a struggling server.
                    lastRefusal = await UpgradeProbe.run(
                        configuration: configuration, group: MultiThreadedEventLoopGroup.singleton)
                }
                refusal = lastRefusal
            }
            let (wasUp, planned) = attemptEnded(
                c, attempt: attempt, error: error, refusal: refusal, cancelled: Task.isCancelled)
            if Task.isCancelled { return }
            if c >= targetConnections {
                // Removed from the pool (a reload lowered `upstream.connections`).
                slots[c].state = .stopped
                return
            }
            if wasUp {
                backoff.reset()
                lastRefusal = nil
                probed = false
            }
            if planned { continue }
            let delay = backoff.nextDelay(using: &random)
            slots[c].state = .backoff
            logger.debug("reconnecting after backoff", metadata: meta(c, ["upstream.delay_ms": "\(Int(delay.seconds * 1000))"]))
            do { try await Task.sleep(for: delay) } catch { return }
        }
    }

    /// Reading attempt `attempt` of slot `c` failed: remembers why in words, and fails its responses at once as a
    /// protocol violation (the close that follows would only say the connection ended).
    func readFailed(_ c: Int, attempt: UInt64, reason: String) {
        guard slots[c].attempt == attempt, slots[c].readFailure == nil else { return }
        protocolViolation(on: c, reason)
    }

    /// What a connection that received a message over `max_frame_bytes` reports.
    nonisolated static func tooLarge(_ configuration: UpstreamConfiguration) -> String {
        "the server sent a message larger than upstream.max_frame_bytes (\(configuration.maxFrameSize) bytes)"
    }

    /// Fails every response of connection `c` with `reason` as a protocol violation and replaces the connection.
    func protocolViolation(on c: Int, _ reason: String) {
        slots[c].readFailure = reason
        slots[c].lastError = reason
        logger.warning("upstream protocol violation; replacing the connection", metadata: meta(c, ["upstream.error": "\(reason)"]))
        failActive(on: c) { frames in
            UpstreamFailure(code: .protocolViolation, message: reason, framesReceived: frames)
        }
        perform(scheduler.retire(c, reason: .connectionError, now: now))
    }

    private func beginAttempt(_ c: Int, kill: AsyncStream<Void>.Continuation) -> UInt64 {
        slots[c].readFailure = nil
        slots[c].attempt += 1
        slots[c].kill = kill
        slots[c].plannedClose = false
        slots[c].state = .connecting
        return slots[c].attempt
    }

    /// Runs one WebSocket connection to its end; returns the error that ended it, if any.
    private nonisolated func connectOnce(_ c: Int, attempt: UInt64, killSignal: AsyncStream<Void>) async -> (any Error)? {
        let configuration = self.configuration
        var quietLogger = logger
        quietLogger[metadataKey: "upstream.conn"] = "\(c)"
        // The WebSocket library traces frames at debug/trace; keep it quieter than our own logger.
        quietLogger.logLevel = max(quietLogger.logLevel, .info)
        let wsLogger = quietLogger
        let handler: WebSocketDataHandler<WebSocketClient.Context> = { inbound, outbound, _ in
            guard await self.connectionOpened(c, attempt: attempt, writer: outbound) else { return }
            do {
                for try await message in inbound.messages(maxSize: configuration.maxFrameSize) {
                    guard case .text(let text) = message else { continue }
                    // The library checks a single frame against its own limit only (twice ours, see
                    // `clientConfiguration`); over ours is a protocol violation agentd can name.
                    guard text.utf8.count <= configuration.maxFrameSize else {
                        await self.readFailed(c, attempt: attempt, reason: Self.tooLarge(configuration))
                        return
                    }
                    let header = FrameHeader(parsing: text)
                    await self.received(text, header: header, connection: c, attempt: attempt)
                }
            } catch {
                // The library's error for an oversized fragmented message is package-internal; its description
                // names the close code. Other errors (a cancel, a closed channel) are the connection's end as usual.
                if String(describing: error).contains("messageTooLarge") {
                    await self.readFailed(c, attempt: attempt, reason: Self.tooLarge(configuration))
                }
                throw error
            }
        }
        do {
            try await withThrowingTaskGroup(of: ChildResult.self) { group in
                group.addTask {
                    let client = WebSocketClient(
                        url: configuration.url.absoluteString,
                        configuration: Self.clientConfiguration(configuration),
                        logger: wsLogger,
                        handler: handler
                    )
                    let closeFrame = try await client.run()
                    if closeFrame == nil, await self.isOpen(c, attempt: attempt) { throw AttemptEnd.endedWithoutCloseFrame }
                    return .clientEnded
                }
                group.addTask {
                    try await Task.sleep(for: configuration.connectTimeout)
                    if await !self.isOpen(c, attempt: attempt) { throw AttemptEnd.connectTimeout }
                    return .other
                }
                group.addTask {
                    for await _ in killSignal { throw AttemptEnd.killed }
                    return .other
                }
                while let result = try await group.next() {
                    if case .clientEnded = result { break }
                }
                group.cancelAll()
            }
            return nil
        } catch {
            return error
        }
    }

    static func clientConfiguration(_ configuration: UpstreamConfiguration) -> WebSocketClientConfiguration {
        var ws = WebSocketClientConfiguration(
            // The library closes the connection without a word on a frame over its own limit (it reads as a dropped
            // connection), so it gets twice ours: a message over `max_frame_bytes` then fails in `messages(maxSize:)`,
            // where agentd can say so. A frame over twice the limit still ends the connection unexplained.
            maxFrameSize: min(configuration.maxFrameSize * 2, 1 << 31),
            autoPing: configuration.pingInterval.map { .enabled(timePeriod: $0) } ?? .disabled
        )
        ws.additionalHeaders[.userAgent] = UpstreamConfiguration.userAgent
        if let apiKey = configuration.apiKey {
            ws.additionalHeaders[.authorization] = "Bearer \(apiKey)"
        }
        if let organization = configuration.organization {
            ws.additionalHeaders[.init("OpenAI-Organization")!] = organization
        }
        if let project = configuration.project {
            ws.additionalHeaders[.init("OpenAI-Project")!] = project
        }
        for (name, value) in configuration.extraHeaders.sorted(by: { $0.key < $1.key })
        where UpstreamConfiguration.isHeaderName(name) {
            ws.additionalHeaders[.init(name)!] = value
        }
        return ws
    }

    func isOpen(_ c: Int, attempt: UInt64) -> Bool {
        slots[c].attempt == attempt && slots[c].writer != nil
    }

    /// The handshake of attempt `attempt` succeeded: lanes of slot `c` become available.
    func connectionOpened(_ c: Int, attempt: UInt64, writer: WebSocketOutboundWriter) -> Bool {
        guard slots[c].attempt == attempt, !shutDown, !Task.isCancelled, c < targetConnections else { return false }
        slots[c].writer = writer
        slots[c].expectingTrailer = []
        slots[c].state = .connected
        slots[c].connectedAt = clock.now
        if slots[c].everConnected { slots[c].reconnects += 1 }
        slots[c].everConnected = true
        slots[c].lastError = nil
        logger.info("upstream connection open", metadata: meta(c, ["upstream.reconnects": "\(slots[c].reconnects)"]))
        perform(scheduler.connectionUp(c, now: now))
        emit(.opened(connection: c))
        return true
    }

    /// Attempt `attempt` of slot `c` is over: fail what streamed on it and make its leases stale.
    /// - Returns: whether the connection had opened, and whether the close was planned (reconnect at once).
    private func attemptEnded(
        _ c: Int, attempt: UInt64, error: (any Error)?, refusal: UpgradeRefusal?, cancelled: Bool
    ) -> (Bool, Bool) {
        let wasUp = slots[c].writer != nil || slots[c].state == .draining
        let planned = slots[c].plannedClose
        slots[c].writer = nil
        slots[c].kill = nil
        slots[c].connectedAt = nil
        if slots[c].readFailure == nil, let error = error as? WebSocketClientError {
            // The library ends the connection itself for these; without this they read as a dropped connection.
            if error == .serverSentMessageTooLarge {
                slots[c].readFailure = Self.tooLarge(configuration)
            } else if error == .serverSentDataInconsistentWithMessage {
                slots[c].readFailure = "the server sent a text frame that is not valid UTF-8"
            } else if error == .serverProtocolError {
                slots[c].readFailure = "the server broke the WebSocket protocol"
            }
        }
        // Our own stop (the pool's task cancelled, or shut down) is not an error: logging it as one made every
        // clean stop say `upstream.error=CancellationError()`.
        let stopped = (cancelled || shutDown) && (error is CancellationError || error is AttemptEnd)
        if let failure = slots[c].readFailure {
            slots[c].lastError = failure
        } else if let error, !stopped, !(error is AttemptEnd && planned) {
            switch error {
            case AttemptEnd.connectTimeout:
                slots[c].lastError = "connect timed out after \(configuration.connectTimeout)"
            case AttemptEnd.killed:
                break
            case AttemptEnd.endedWithoutCloseFrame:
                slots[c].lastError =
                    "the connection ended without a close frame (no pong within the ping interval, a dropped TCP connection, "
                    + "or a frame over twice upstream.max_frame_bytes)"
                    + (configuration.pingInterval.map { "; ping interval \($0)" } ?? "")
            case _ where refusal != nil:
                slots[c].lastError = refusal?.description
            default:
                slots[c].lastError = String(describing: error)
            }
        } else if error == nil, wasUp, !planned, slots[c].lastError == nil {
            slots[c].lastError = "closed by the server"
        }
        // Leases go stale before their streams fail, so a consumer that sees the failure also sees `isUsable` false.
        perform(scheduler.connectionDown(c, now: now))
        let violation = cancelled || shutDown ? nil : slots[c].readFailure
        let code: UpstreamFailure.Code =
            cancelled || shutDown ? .shutdown : violation != nil ? .protocolViolation : .connectionLost
        failActive(on: c) { frames in
            UpstreamFailure(
                code: code,
                message: violation
                    ?? (code == .shutdown ? "the upstream pool stopped" : "the connection dropped mid-response"),
                framesReceived: frames
            )
        }
        if wasUp {
            var metadata: Logger.Metadata = ["upstream.planned": "\(planned)"]
            if let lastError = slots[c].lastError { metadata["upstream.error"] = "\(lastError)" }
            logger.info("upstream connection closed", metadata: meta(c, metadata))
            emit(.closed(connection: c, planned: planned))
        } else {
            logger.warning("upstream connect failed", metadata: meta(c, ["upstream.error": "\(slots[c].lastError ?? "none")"]))
            if !cancelled, !shutDown, c < targetConnections {
                emit(.connectFailed(connection: c, refusal: refusal, message: slots[c].lastError ?? "connect failed"))
            }
        }
        return (wasUp, planned)
    }
}
