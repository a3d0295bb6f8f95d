/// Steering (§1.5): `response.steer` frames, the `response.steer.*` events, `response.incomplete` with reason
/// `steered` and the automatic successor.
///
/// A steer is announced (`accepted`) before the next event of its response. At the next safe boundary (no output
/// item open) a response that has not produced a function call ends as `incomplete`/`steered` and a successor
/// with the steered input starts on the same lane. A response that called a tool completes normally, then
/// `response.steer.pending` says the input waits for the tool outputs; the server prepends it to the next
/// `response.create` continuing that response.
extension WebSocketSession {
    /// How one response's streaming ended.
    enum Played {
        /// The connection closed mid-stream.
        case ended
        /// The response ended; remember `record` (nil when it failed).
        case finished(ResponseRecord?)
        /// The response was steered: stream `request` next, continuing `record`.
        case successor(CreateRequest, ResponseRecord)
    }

    /// Handles a `response.steer` frame.
    func receiveSteer(_ frame: JSONValue) {
        let previous = frame["previous_response_id"] ?? .null
        let input = frame["input"] ?? .null
        let target = live.first { $0.value.id == previous.stringValue }
        let streamID = target?.key.streamID ?? cache.first { $0.value.id == previous.stringValue }?.key.streamID
        func refuse(_ code: String, _ message: String) {
            var sequence = 0
            if let lane = target?.key {
                sequence = live[lane]?.nextSequence ?? 0
                live[lane]?.nextSequence += 1
            }
            send(
                SteerFrames.failed(
                    code: code, message: message, input: input, previousResponseID: previous, sequence: sequence,
                    streamID: streamID))
        }
        let unknown = (frame.objectMembers ?? []).map(\.0).filter { !SteerFrames.allowedKeys.contains($0) }
        if !unknown.isEmpty {
            recorder.recordViolation("connection \(connectionID): response.steer with unknown keys \(unknown)")
            return refuse("invalid_input", "response.steer takes only type, previous_response_id and input.")
        }
        guard let (lane, response) = target else {
            let known = previous.stringValue.map { id in
                cache.values.contains { $0.id == id } || engine.store.get(id) != nil
            } ?? false
            return known
                ? refuse("response_already_completed", "The response has already completed.")
                : refuse("response_not_found", "No active response with id '\(previous.stringValue ?? "")'.")
        }
        live[lane]?.steersReceived += 1
        guard configuration.steering, !response.model.hasSuffix("-nosteer") else {
            return refuse("steering_not_supported", "Steering is not supported for this model.")
        }
        guard !response.compacting else {
            // As the real service: automatic compaction and steering do not mix.
            return refuse("steering_not_supported", "Steering is not supported for responses using automatic compaction.")
        }
        guard let items = SteerFrames.normalizedInput(input) else {
            return refuse("invalid_input", "Steer input must be non-empty user messages.")
        }
        guard response.steerCount < LiveResponse.maxSteers else {
            return refuse("too_many_pending_steers", "Too many steers are pending for this response.")
        }
        live[lane]?.queued.append(
            AcceptedSteer(id: IDGenerator.make("steer"), previousResponseID: response.id, items: items))
    }

    /// Streams one prepared response, applying steers as they come.
    func play(
        _ prepared: PreparedResponse, request: CreateRequest, parent: ResolvedParent?, lane: LaneID,
        waitForSteer: Bool
    ) async -> Played {
        live[lane] = LiveResponse(
            id: prepared.responseID, model: request.model, compacting: Compaction.threshold(of: request) != nil)
        defer { live[lane] = nil }
        var waitForSteer = waitForSteer
        var openItems = 0
        var doneItems: [JSONValue] = []
        var calledTool = false
        let pacing = ModelCatalog.model(named: request.model)?.eventInterval
        var paceStart = ContinuousClock.now
        for (index, event) in prepared.events.enumerated() {
            let delay = index == 0 ? configuration.firstEventDelay : configuration.interEventDelay
            if let pacing, index > 0 {
                try? await Task.sleep(until: paceStart + pacing * index, clock: .continuous)
            } else if delay > .zero {
                try? await Task.sleep(for: delay)
            }
            if index == 0 { paceStart = ContinuousClock.now }
            if Task.isCancelled || closed { return .ended }
            announceSteers(lane)
            let steerable = index >= 2 && openItems == 0 && !calledTool && prepared.record != nil
            if steerable, let accepted = live[lane]?.accepted, !accepted.isEmpty {
                let record = endSteered(prepared, request: request, parent: parent, output: doneItems, lane: lane)
                return .successor(successor(of: request, continuing: record, input: accepted.flatMap(\.items)), record)
            }
            sendNumbered(event, lane: lane)
            switch event["type"]?.stringValue {
            case "response.output_item.added":
                openItems += 1
            case "response.output_item.done":
                openItems -= 1
                if let item = event["item"] {
                    doneItems.append(item)
                    if item["type"]?.stringValue == "function_call" { calledTool = true }
                }
            case "response.output_text.delta" where waitForSteer,
                "response.function_call_arguments.delta" where waitForSteer:
                // `…wait-steer` models hold the stream after the first text or arguments delta until a steer arrives (10 s at most;
                // a refused steer ends the wait too),
                // so a test can steer a response that is certainly still streaming.
                waitForSteer = false
                for _ in 0..<1000 where (live[lane]?.steersReceived ?? 0) == 0 && !closed {
                    try? await Task.sleep(for: .milliseconds(10))
                }
            default:
                break
            }
        }
        announceSteers(lane)
        let open = live[lane]?.accepted ?? []
        guard !open.isEmpty, let record = prepared.record else {
            for steer in open {
                let sequence = nextSequence(lane)
                send(
                    SteerFrames.failed(
                        code: "response_not_active", message: "The response failed before the steer was applied.",
                        input: .array(steer.items), previousResponseID: .string(steer.previousResponseID),
                        steerID: steer.id, sequence: sequence, streamID: lane.streamID))
            }
            return .finished(prepared.record)
        }
        if calledTool {
            let required = SteerFrames.requiredInput(for: doneItems)
            for steer in open {
                let sequence = nextSequence(lane)
                send(SteerFrames.pending(steer, sequence: sequence, requiredInput: required, streamID: lane.streamID))
            }
            heldSteers[lane] = HeldSteers(parentID: record.id, items: open.flatMap(\.items))
            return .finished(record)
        }
        // A normal completion followed by an automatic successor with the steered input.
        return .successor(successor(of: request, continuing: record, input: open.flatMap(\.items)), record)
    }

    /// Announces received steers with `response.steer.accepted`.
    private func announceSteers(_ lane: LaneID) {
        guard let queued = live[lane]?.queued, !queued.isEmpty else { return }
        live[lane]?.queued = []
        for steer in queued {
            let sequence = nextSequence(lane)
            send(SteerFrames.accepted(steer, sequence: sequence, streamID: lane.streamID))
            live[lane]?.accepted.append(steer)
        }
    }

    private func nextSequence(_ lane: LaneID) -> Int {
        let sequence = live[lane]?.nextSequence ?? 0
        live[lane]?.nextSequence = sequence + 1
        return sequence
    }

    /// Sends a prepared event with the response's next sequence number (steer events take numbers too).
    private func sendNumbered(_ event: JSONValue, lane: LaneID) {
        send(event.setting("sequence_number", .int(nextSequence(lane))))
    }

    /// Ends the response at a safe boundary with `response.incomplete` (reason `steered`); returns its record.
    private func endSteered(
        _ prepared: PreparedResponse, request: CreateRequest, parent: ResolvedParent?, output: [JSONValue],
        lane: LaneID
    ) -> ResponseRecord {
        let started = prepared.events.first?["response"] ?? .object([])
        let object =
            started
            .setting("status", .string("incomplete"))
            .setting("incomplete_details", .object([("reason", .string("steered"))]))
            .setting("output", .array(output))
        var members: [(String, JSONValue)] = [
            ("type", .string("response.incomplete")), ("sequence_number", .int(nextSequence(lane))),
            ("response", object),
        ]
        if let streamID = lane.streamID { members.append(("stream_id", .string(streamID))) }
        send(.object(members))
        let record = ResponseRecord(
            id: prepared.responseID, parent: parent?.record, items: request.input + output, responseObject: object,
            store: request.store,
            conversationTokens: (parent?.record.conversationTokens ?? 0) + Conversation.tokenEstimate(request.input)
                + Conversation.tokenEstimate(output))
        if request.store { engine.store.put(record) }
        return record
    }

    /// The successor inherits the steered response's settings; its input is the steered input.
    private func successor(of request: CreateRequest, continuing record: ResponseRecord, input: [JSONValue])
        -> CreateRequest
    {
        var next = request
        next.input = input
        next.previousResponseID = record.id
        next.raw = request.raw.setting("previous_response_id", .string(record.id)).setting("input", .array(input))
        return next
    }
}
