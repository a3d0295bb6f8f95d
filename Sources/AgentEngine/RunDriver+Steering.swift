import AgentModel

extension RunDriver {
    /// Hands freshly queued input to the response that is streaming, as `response.steer`, when the upstream can
    /// steer; otherwise (tools running, nothing streaming, HTTP+SSE, `steering_not_supported`) it stays queued for
    /// the next `response.create`.
    ///
    /// Append, then act: the steer frame is committed before it is written; if the lane refuses it (the response
    /// ended meanwhile), `input.requeued` puts the input back in the queue. Every server answer is an upstream
    /// frame of the response's stream, recorded by the turn loop, so replay reaches the same state.
    func steerIfStreaming(_ input: InputAdded) async throws {
        let item = Items.userMessage(input.text)
        guard !state.steeringUnsupported, let lane, lane.isUsable, state.awaitingResponse,
            let responseID = state.currentResponseID, state.pendingInput.contains(item)
        else { return }
        let frame: JSONValue = [
            "type": .string(SteerEventType.steer),
            "previous_response_id": .string(responseID),
            "input": [item],
        ]
        try await record(.upstreamOut, SteerEventType.steer, rawPayload: frame.serialized, parsed: frame, commit: .durable)
        // Re-check after the await: the response may have ended while the steer was committed.
        let submission: SteerSubmission
        if state.currentResponseID == responseID, let current = self.lane, current.isUsable {
            submission = await current.steer(frame.serialized)
        } else {
            submission = .notStreaming
        }
        guard submission != .sent else { return }
        logger.debug("steer not sent; input queued for the next request", metadata: ["steer.outcome": "\(submission)"])
        try await record(.control, ControlEventType.inputRequeued, SteerRequeued(reason: "\(submission)"))
    }
}

/// Payload of `input.requeued`.
struct SteerRequeued: Codable, Sendable {
    var reason: String
}
