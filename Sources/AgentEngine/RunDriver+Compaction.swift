import AgentModel

extension RunDriver {
    /// Compacts the conversation after a `context_length_exceeded`: records the `/responses/compact` request,
    /// sends it, and records the answer; the reducer then starts a new chain from the compacted output.
    func performCompaction() async throws {
        let body = RequestBuilder.compactBody(state: state, settings: RequestSettings(configuration: configuration, state: state))
        let text = body.serialized
        // Append, then act, like any request.
        try await record(.upstreamOut, CompactionEventType.request, rawPayload: text, parsed: body, commit: .durable)
        let answer: String
        do {
            answer = try await upstream.compact(text)
        } catch let failure as UpstreamFailure {
            // Reported like a failed turn: a later attempt sends the request again and compacts again.
            let frame = JSONValue.object([
                "type": .string(UpstreamEventType.error),
                "error": ["type": "server_error", "code": .string(failure.code.rawValue), "message": .string(failure.message)],
            ])
            try await record(.upstreamIn, UpstreamEventType.error, rawPayload: frame.serialized, parsed: frame, commit: .withNext)
            return
        }
        let parsed = try? JSONValue.parse(answer)
        let type = parsed?["object"]?.stringValue == CompactionEventType.answer
            ? CompactionEventType.answer : (parsed?["type"]?.stringValue ?? UpstreamEventType.error)
        try await record(.upstreamIn, type, rawPayload: answer, parsed: parsed, commit: .withNext)
        logger.info("conversation compacted", metadata: ["run.compactions": "\(state.compactions)"])
    }
}
