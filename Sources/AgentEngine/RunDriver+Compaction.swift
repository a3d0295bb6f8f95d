import AgentModel

extension RunDriver {
    /// Compacts the conversation after a `context_length_exceeded`: records the `/responses/compact` request,
    /// sends it, and records the answer; the reducer then starts a new chain from the compacted output.
    func performCompaction() async throws {
        let body = RequestBuilder.compactBody(
            state: state, settings: RequestSettings(configuration: configuration, state: state))
        let text = body.serialized
        // Append, then act, like any request.
        try await record(.upstreamOut, CompactionEventType.request, rawPayload: text, parsed: body, commit: .durable)
        let answer: String
        do {
            answer = try await upstream.compact(text)
        } catch let failure as UpstreamFailure {
            if failure.code == .shutdown { throw CancellationError() }
            try await recordCompactionFailure("/responses/compact failed: \(failure.message)")
            return
        }
        let parsed = try? JSONValue.parse(answer)
        if parsed?["object"]?.stringValue == CompactionEventType.answer {
            try await record(
                .upstreamIn, CompactionEventType.answer, rawPayload: answer, parsed: parsed, commit: .withNext)
            logger.info("conversation compacted", metadata: ["run.compactions": "\(state.compactions)"])
        } else if parsed?["type"]?.stringValue == UpstreamEventType.error {
            try await record(.upstreamIn, UpstreamEventType.error, rawPayload: answer, parsed: parsed, commit: .withNext)
        } else {
            try await recordCompactionFailure("/responses/compact answered neither a compaction nor an error: \(answer.prefix(200))")
        }
    }

    /// Records a failed compaction as a code-less `server_error` frame: retryable, so the policy waits and the
    /// request (and its compaction) is tried again within `max_turn_attempts`.
    private func recordCompactionFailure(_ message: String) async throws {
        let frame = JSONValue.object([
            "type": .string(UpstreamEventType.error),
            "error": ["type": "server_error", "code": .null, "message": .string(message)],
        ])
        try await record(
            .upstreamIn, UpstreamEventType.error, rawPayload: frame.serialized, parsed: frame, commit: .withNext)
    }
}
