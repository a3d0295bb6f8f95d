import AgentModel

/// What the ledger keeps of a warm-up (`run.prewarmed`): the reducer ignores it, people and benchmarks read it.
struct Prewarmed: Codable, Sendable {
    /// The warm-up response the first real request continues from, or `nil` when the warm-up did not complete.
    var responseID: String?
    /// Frames the warm-up received.
    var frames: Int

    enum CodingKeys: String, CodingKey {
        case responseID = "response_id"
        case frames
    }
}

extension RunDriver {
    /// Ledger type of the warm-up record.
    static let prewarmedEventType = "run.prewarmed"

    /// With `prewarm` on, before a new run's first request: sends `response.create` with `generate: false`
    /// carrying the run's model, tools and instructions (no input) on `lane`, and returns the warm-up response's
    /// id for the first real request to continue from.
    ///
    /// A warm-up produces no output (the server only prepares request state), so the reducer never sees it: it is
    /// recorded as one `run.prewarmed` event. Not tried again after a failed first turn (that turn resends the
    /// whole conversation without a parent). Returns `nil` when off, not a new run, or the warm-up did not complete.
    /// - Throws: ``UpstreamFailure`` when the connection fails (the turn's usual recovery applies).
    func prewarmIfNeeded(on lane: any UpstreamLane) async throws -> String? {
        guard configuration.prewarm, turnAttempts == 0, state.responsesCompleted == 0, state.lastResponseID == nil,
            state.lastError == nil, !state.awaitingResponse
        else { return nil }
        var frame: [String: JSONValue] = [
            "type": .string(UpstreamEventType.create),
            "model": .string(state.model),
            "store": false,
            "generate": false,
            "input": .array([]),
        ]
        if let instructions = state.instructions { frame["instructions"] = .string(instructions) }
        if !toolDefinitions.isEmpty { frame["tools"] = .array(toolDefinitions) }
        if let streamID = lane.streamID { frame["stream_id"] = .string(streamID) }
        var responseID: String?
        var completed = false
        var frames = 0
        for try await text in try await lane.send(JSONValue.object(frame).serialized) {
            frames += 1
            let parsed = try? JSONValue.parse(text)
            if let id = parsed?["response"]?["id"]?.stringValue { responseID = id }
            let type = parsed?["type"]?.stringValue ?? ""
            if type == UpstreamEventType.completed || type == UpstreamEventType.done { completed = true }
        }
        let usable = completed ? responseID : nil
        try await record(.run, Self.prewarmedEventType, Prewarmed(responseID: usable, frames: frames), commit: .withNext)
        return usable
    }
}

extension JSONValue {
    /// This `response.create` frame continuing from `parent` (same input: a warm-up carries none).
    func continuing(from parent: String) -> JSONValue {
        guard case .object(var fields) = self else { return self }
        fields["previous_response_id"] = .string(parent)
        return .object(fields)
    }
}
