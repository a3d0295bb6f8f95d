import AgentModel

/// The members of a `tool_call` / `tool_call_update` (and of a permission request's `toolCall`).
///
/// A `tool_call` carries `title` (required there); an update carries only what changed.
public struct ToolCallFields: Codable, Sendable, Equatable, Hashable {
    /// What kind of work the tool does (editors pick icons by it).
    public enum Kind: String, Codable, Sendable, Equatable, Hashable {
        case read, edit, delete, move, search, execute, think, fetch, other
    }

    /// Progress of the call.
    public enum Status: String, Codable, Sendable, Equatable, Hashable {
        case pending
        case inProgress = "in_progress"
        case completed
        case failed
    }

    public var toolCallId: String
    public var title: String?
    public var kind: Kind?
    public var status: Status?
    public var content: [ToolCallContent]?
    public var locations: [ToolCallLocation]?
    public var rawInput: JSONValue?
    public var rawOutput: JSONValue?

    public init(
        toolCallId: String, title: String? = nil, kind: Kind? = nil, status: Status? = nil,
        content: [ToolCallContent]? = nil, locations: [ToolCallLocation]? = nil, rawInput: JSONValue? = nil,
        rawOutput: JSONValue? = nil
    ) {
        self.toolCallId = toolCallId
        self.title = title
        self.kind = kind
        self.status = status
        self.content = content
        self.locations = locations
        self.rawInput = rawInput
        self.rawOutput = rawOutput
    }
}

/// A file a tool call reads or changes.
public struct ToolCallLocation: Codable, Sendable, Equatable, Hashable {
    /// Absolute path.
    public var path: String
    public var line: Int?

    public init(path: String, line: Int? = nil) {
        self.path = path
        self.line = line
    }
}

/// What a tool call shows: output text, or a file change.
public enum ToolCallContent: Codable, Sendable, Equatable, Hashable {
    case content(ContentBlock)
    /// A file change: `oldText` nil for a new file.
    case diff(path: String, oldText: String?, newText: String)

    enum CodingKeys: String, CodingKey {
        case type, content, path, oldText, newText
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "diff":
            self = .diff(
                path: try container.decode(String.self, forKey: .path),
                oldText: try container.decodeIfPresent(String.self, forKey: .oldText),
                newText: try container.decode(String.self, forKey: .newText))
        default:
            self = .content(try container.decode(ContentBlock.self, forKey: .content))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .content(let block):
            try container.encode("content", forKey: .type)
            try container.encode(block, forKey: .content)
        case .diff(let path, let oldText, let newText):
            try container.encode("diff", forKey: .type)
            try container.encode(path, forKey: .path)
            try container.encodeIfPresent(oldText, forKey: .oldText)
            try container.encode(newText, forKey: .newText)
        }
    }
}
