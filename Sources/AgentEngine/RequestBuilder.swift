import AgentModel

/// Builds the exact `response.create` frame for a run's next turn.
enum RequestBuilder {
    /// The frame continues from the last response when the chain is intact, else carries the whole conversation.
    static func createFrame(
        state: RunState, tools: [JSONValue], streamID: String?, includeEncryptedReasoning: Bool,
        settings: RequestSettings = RequestSettings()
    ) -> JSONValue {
        var frame: [String: JSONValue] = [
            "type": .string(UpstreamEventType.create),
            "model": .string(state.model),
            "store": false,
        ]
        // Tool outputs first: they answer the calls of the previous response; injected user input follows.
        let outputs = state.pendingInput.filter { ToolCallKind.outputTypes.contains($0["type"]?.stringValue ?? "") }
        let others = state.pendingInput.filter { !ToolCallKind.outputTypes.contains($0["type"]?.stringValue ?? "") }
        if state.chainIntact, let parent = state.lastResponseID {
            frame["previous_response_id"] = .string(parent)
            frame["input"] = .array(outputs + others)
        } else {
            frame["input"] = .array(state.conversation + outputs + others)
        }
        if let instructions = state.instructions { frame["instructions"] = .string(instructions) }
        if !tools.isEmpty { frame["tools"] = .array(tools) }
        if let streamID { frame["stream_id"] = .string(streamID) }
        if includeEncryptedReasoning { frame["include"] = ["reasoning.encrypted_content"] }
        settings.apply(to: &frame)
        return .object(frame)
    }

    /// The body of `POST /responses/compact` for a run's conversation (which already holds the input of the
    /// request that overflowed): the model, the whole conversation as input, and the instructions.
    static func compactBody(state: RunState, settings: RequestSettings = RequestSettings()) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(state.model),
            "input": .array(state.conversation + state.pendingInput),
        ]
        if let instructions = state.instructions { body["instructions"] = .string(instructions) }
        if let promptCacheKey = settings.promptCacheKey { body["prompt_cache_key"] = .string(promptCacheKey) }
        return .object(body)
    }
}
