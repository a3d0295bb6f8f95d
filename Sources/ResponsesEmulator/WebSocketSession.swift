import Logging

/// The state of one WebSocket connection: lanes, their FIFO queues, the per-lane cache of the latest response,
/// limits and fault injection. Frames go out, in order, through ``Outbound`` items read by one writer task.
actor WebSocketSession {
    /// What the writer task should do next.
    enum Outbound: Sendable {
        /// Send a text frame.
        case text(String)
        /// Send a close frame (normal closure) and stop.
        case close
        /// Close the TCP connection without a close frame (fault injection) and stop.
        case drop
    }

    /// A response to run; the connection handler runs each one as a child task.
    typealias Job = @Sendable () async -> Void

    /// The real API's limit of distinct named `stream_id`s per connection.
    static let maxNamedStreams = 32

    private let connectionID: Int
    private let engine: ResponseEngine
    private let logger: Logger
    private let output: AsyncStream<Outbound>.Continuation
    private let jobs: AsyncStream<Job>.Continuation
    private var scheduler = LaneScheduler<CreateRequest>()
    private var namedStreams: Set<String> = []
    private var cache: [LaneID: ResponseRecord] = [:]
    private var framesSent = 0
    private var closed = false

    init(
        connectionID: Int,
        engine: ResponseEngine,
        logger: Logger,
        output: AsyncStream<Outbound>.Continuation,
        jobs: AsyncStream<Job>.Continuation
    ) {
        self.connectionID = connectionID
        self.engine = engine
        self.logger = logger
        self.output = output
        self.jobs = jobs
    }

    private var configuration: EmulatorConfiguration { engine.configuration }
    private var recorder: EmulatorRecorder { engine.recorder }

    // MARK: Inbound

    /// Handles one text frame from the client.
    func receive(_ text: String) {
        recorder.recordInbound(connection: connectionID, text)
        guard !closed else { return }
        let frame: JSONValue
        do {
            frame = try JSONParser.parse(text)
        } catch {
            recorder.recordViolation("connection \(connectionID): malformed JSON frame (\(error))")
            send(EmulatorError.invalidJSON.webSocketFrame(streamID: nil))
            return
        }
        switch frame["type"]?.stringValue {
        case "response.create":
            receiveCreate(frame)
        case "response.steer":
            receiveSteer(frame)
        case let other:
            let type = other ?? "<missing>"
            recorder.recordViolation("connection \(connectionID): unknown client event type '\(type)'")
            send(EmulatorError.unknownEventType(type).webSocketFrame(streamID: nil))
        }
    }

    /// Handles a binary frame (the API only speaks text frames).
    func receiveBinary() {
        recorder.recordViolation("connection \(connectionID): binary frame")
        send(EmulatorError.invalidJSON.webSocketFrame(streamID: nil))
    }

    private func receiveCreate(_ frame: JSONValue) {
        let request: CreateRequest
        do {
            request = try RequestValidator.parseCreate(frame, transport: .webSocket)
        } catch {
            // A request-scoped error names its lane when the lane is valid; `invalid_stream_id` never echoes it.
            let lane = frame["stream_id"]?.stringValue.flatMap { RequestValidator.isValidStreamID($0) ? $0 : nil }
            send(error.webSocketFrame(streamID: error == .invalidStreamID ? nil : lane))
            return
        }
        if let streamID = request.streamID, !namedStreams.contains(streamID) {
            guard namedStreams.count < Self.maxNamedStreams else {
                send(EmulatorError.streamLimitReached.webSocketFrame(streamID: streamID))
                return
            }
            namedStreams.insert(streamID)
        }
        launch(scheduler.enqueue(request, on: LaneID(streamID: request.streamID)))
    }

    private func receiveSteer(_ frame: JSONValue) {
        let previous = frame["previous_response_id"] ?? .null
        let lane = cache.first { $0.value.id == previous.stringValue }?.key.streamID
        var members: [(String, JSONValue)] = [
            ("type", .string("response.steer.failed")),
            ("sequence_number", .int(0)),
            (
                "error",
                .object([
                    ("type", .string("invalid_request_error")),
                    ("code", .string("steering_not_supported")),
                    ("message", .string("Steering is not supported for this model.")),
                ])
            ),
            ("steer", .object([("input", frame["input"] ?? .null), ("previous_response_id", previous)])),
        ]
        if let lane { members.append(("stream_id", .string(lane))) }
        send(.object(members))
    }

    // MARK: Running responses

    private func launch(_ starts: [LaneScheduler<CreateRequest>.Start]) {
        for start in starts {
            jobs.yield { [self] in await self.run(start.job, lane: start.lane) }
        }
    }

    private func run(_ request: CreateRequest, lane: LaneID) async {
        await stream(request, lane: lane)
        launch(scheduler.finish(lane: lane))
    }

    private func stream(_ request: CreateRequest, lane: LaneID) async {
        guard !closed else { return }
        var parent: ResolvedParent? = nil
        var parentIsSameLane = false
        if let previous = request.previousResponseID {
            if configuration.faults.forgetCachedResponses {
                parent = nil
            } else if let cached = cache[lane], cached.id == previous {
                parent = ResolvedParent(record: cached, fromConnectionCache: true)
                parentIsSameLane = true
            } else if let forked = cache.values.first(where: { $0.id == previous }) {
                parent = ResolvedParent(record: forked, fromConnectionCache: true)
            } else if let stored = engine.store.get(previous), stored.store {
                parent = ResolvedParent(record: stored, fromConnectionCache: false)
            }
            guard parent != nil else {
                send(EmulatorError.previousResponseNotFound(previous).webSocketFrame(streamID: lane.streamID))
                return
            }
        }

        let prepared: PreparedResponse
        do {
            prepared = try engine.prepare(request, parent: parent)
        } catch {
            // A same-lane continuation that fails evicts its parent; a failed fork keeps it.
            if parentIsSameLane { cache[lane] = nil }
            send(error.webSocketFrame(streamID: lane.streamID))
            return
        }
        logger.debug(
            "response started",
            metadata: ["emu.conn": "\(connectionID)", "emu.lane": "\(lane)", "emu.response": "\(prepared.responseID)"]
        )

        for (index, event) in prepared.events.enumerated() {
            let delay = index == 0 ? configuration.firstEventDelay : configuration.interEventDelay
            if delay > .zero { try? await Task.sleep(for: delay) }
            if Task.isCancelled || closed { return }
            send(event)
        }
        if let record = prepared.record {
            cache[lane] = record
        } else if parentIsSameLane {
            cache[lane] = nil
        }
    }

    // MARK: Outbound and lifetime

    private func send(_ frame: JSONValue) {
        guard !closed else { return }
        let text = frame.serialized
        framesSent += 1
        recorder.recordOutbound(connection: connectionID, text)
        output.yield(.text(text))
        if let limit = configuration.faults.dropAfterEvents, framesSent >= limit {
            closed = true
            recorder.closeConnection(connectionID, reason: "dropped (fault)")
            output.yield(.drop)
        }
    }

    /// Sends the unsolicited `websocket_connection_limit_reached` error and closes the connection.
    func connectionAgeReached() {
        guard !closed else { return }
        send(EmulatorError.connectionLimitReached.webSocketFrame(streamID: nil))
        guard !closed else { return }
        closed = true
        recorder.closeConnection(connectionID, reason: "connection age limit")
        output.yield(.close)
    }

    /// Closes the TCP connection without a close frame (an outage), recording `reason`.
    func drop(reason: String) {
        guard !closed else { return }
        closed = true
        recorder.closeConnection(connectionID, reason: reason)
        output.yield(.drop)
    }

    /// The client's side ended (close frame, TCP close or cancellation): stop everything.
    func inboundEnded() {
        if !closed {
            closed = true
            recorder.closeConnection(connectionID, reason: "client closed")
        }
        jobs.finish()
        output.finish()
    }
}
