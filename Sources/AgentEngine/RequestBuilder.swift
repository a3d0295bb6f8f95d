import AgentModel

/// Builds the exact `response.create` frame for a run's next turn.
enum RequestBuilder {
    /// The frame continues from the last response when the chain is intact, else carries the whole conversation.
    static func createFrame(
        state: RunState, tools: [JSONValue], streamID: String?, includeEncryptedReasoning: Bool
    ) throws -> String {
        var frame: [String: JSONValue] = [
            "type": .string(UpstreamEventType.create),
            "model": .string(state.model),
            "store": false,
        ]
        if state.chainIntact, let parent = state.lastResponseID {
            frame["previous_response_id"] = .string(parent)
            frame["input"] = .array(state.pendingInput)
        } else {
            frame["input"] = .array(state.conversation + state.pendingInput)
        }
        if let instructions = state.instructions { frame["instructions"] = .string(instructions) }
        if !tools.isEmpty { frame["tools"] = .array(tools) }
        if let streamID { frame["stream_id"] = .string(streamID) }
        if includeEncryptedReasoning { frame["include"] = ["reasoning.encrypted_content"] }
        return try JSONCoding.encode(JSONValue.object(frame))
    }
}
