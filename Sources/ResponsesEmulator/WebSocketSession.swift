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

    let connectionID: Int
    let engine: ResponseEngine
    private let logger: Logger
    private let output: AsyncStream<Outbound>.Continuation
    private let jobs: AsyncStream<Job>.Continuation
    private var scheduler = LaneScheduler<CreateRequest>()
    private var namedStreams: Set<String> = []
    var cache: [LaneID: ResponseRecord] = [:]
    /// Responses streaming now, per lane (what `response.steer` can target).
    var live: [LaneID: LiveResponse] = [:]
    /// Steered input the server holds for the next `response.create` on a lane (after `response.steer.pending`).
    var heldSteers: [LaneID: HeldSteers] = [:]
    private var framesSent = 0
    private(set) var closed = false

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

    var configuration: EmulatorConfiguration { engine.configuration }
    var recorder: EmulatorRecorder { engine.recorder }

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
        if let hostile = HostileModel(name: request.model)?.stream {
            return await playHostile(hostile, request: request, lane: lane)
        }
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

        var current = request
        if let held = heldSteers.removeValue(forKey: lane), held.parentID == request.previousResponseID {
            // Input steered into the parent while it waited for tool outputs goes first, in submission order.
            current.input = held.items + current.input
        }
        var currentParent = parent
        // Only the first response of a chain waits (see `play`), so the run's later turns stream normally.
        var waitForSteer = current.model.contains("wait-steer") && request.previousResponseID == nil
        while true {
            let prepared: PreparedResponse
            do {
                prepared = try engine.prepare(current, parent: currentParent)
            } catch {
                // A same-lane continuation that fails evicts its parent; a failed fork keeps it.
                if parentIsSameLane { cache[lane] = nil }
                send(error.webSocketFrame(streamID: lane.streamID))
                return
            }
            logger.debug(
                "response started",
                metadata: [
                    "emu.conn": "\(connectionID)", "emu.lane": "\(lane)", "emu.response": "\(prepared.responseID)",
                ]
            )
            let played = await play(
                prepared, request: current, parent: currentParent, lane: lane, waitForSteer: waitForSteer)
            switch played {
            case .ended:
                return
            case .finished(let record):
                if let record {
                    cache[lane] = record
                } else if parentIsSameLane {
                    cache[lane] = nil
                }
                return
            case .successor(let next, let record):
                // Steered: the server starts the successor itself, on the same lane, continuing `record`.
                cache[lane] = record
                current = next
                currentParent = ResolvedParent(record: record, fromConnectionCache: true)
                parentIsSameLane = true
                waitForSteer = false
            }
        }
    }

    // MARK: Outbound and lifetime

    func send(_ frame: JSONValue) {
        sendText(frame.serialized)
    }

    /// Sends `text` as it is (hostile models send text that is not JSON).
    func sendText(_ text: String) {
        guard !closed else { return }
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
