/// One `session/update`: a chunk of a message, a tool call or its progress, or the context's usage.
public enum SessionUpdate: Codable, Sendable, Equatable, Hashable {
    case userMessageChunk(ContentBlock)
    case agentMessageChunk(ContentBlock)
    /// Reasoning summaries.
    case agentThoughtChunk(ContentBlock)
    /// A call starts (its `title` is set).
    case toolCall(ToolCallFields)
    /// A call progresses or ends (only what changed).
    case toolCallUpdate(ToolCallFields)
    /// Tokens in the context after the last response, of a window of `size`.
    case usageUpdate(used: Int, size: Int)

    enum CodingKeys: String, CodingKey {
        case sessionUpdate, content, used, size
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .sessionUpdate)
        switch kind {
        case "user_message_chunk": self = .userMessageChunk(try container.decode(ContentBlock.self, forKey: .content))
        case "agent_message_chunk": self = .agentMessageChunk(try container.decode(ContentBlock.self, forKey: .content))
        case "agent_thought_chunk": self = .agentThoughtChunk(try container.decode(ContentBlock.self, forKey: .content))
        case "tool_call": self = .toolCall(try ToolCallFields(from: decoder))
        case "tool_call_update": self = .toolCallUpdate(try ToolCallFields(from: decoder))
        case "usage_update":
            self = .usageUpdate(
                used: try container.decode(Int.self, forKey: .used), size: try container.decode(Int.self, forKey: .size))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .sessionUpdate, in: container, debugDescription: "unknown session update \"\(kind)\"")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .userMessageChunk(let block):
            try container.encode("user_message_chunk", forKey: .sessionUpdate)
            try container.encode(block, forKey: .content)
        case .agentMessageChunk(let block):
            try container.encode("agent_message_chunk", forKey: .sessionUpdate)
            try container.encode(block, forKey: .content)
        case .agentThoughtChunk(let block):
            try container.encode("agent_thought_chunk", forKey: .sessionUpdate)
            try container.encode(block, forKey: .content)
        case .toolCall(let fields):
            try container.encode("tool_call", forKey: .sessionUpdate)
            try fields.encode(to: encoder)
        case .toolCallUpdate(let fields):
            try container.encode("tool_call_update", forKey: .sessionUpdate)
            try fields.encode(to: encoder)
        case .usageUpdate(let used, let size):
            try container.encode("usage_update", forKey: .sessionUpdate)
            try container.encode(used, forKey: .used)
            try container.encode(size, forKey: .size)
        }
    }
}
