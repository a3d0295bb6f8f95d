import AgentModel

/// A piece of a prompt or a message: text, a link to a resource, an embedded resource (or media agentd refuses).
public enum ContentBlock: Codable, Sendable, Equatable, Hashable {
    case text(String)
    /// A link to a file or other resource the editor mentions (`uri`, `name`).
    case resourceLink(uri: String, name: String)
    /// A resource the editor embedded: its `uri` and its text (nil for a binary `blob`).
    case resource(uri: String, text: String?, mimeType: String?)
    /// `image` or `audio`: agentd does not take them (promptCapabilities say so).
    case unsupported(type: String)

    enum CodingKeys: String, CodingKey {
        case type, text, uri, name, resource
    }

    struct EmbeddedResource: Codable, Hashable {
        var uri: String
        var text: String?
        var blob: String?
        var mimeType: String?
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "text": self = .text(try container.decode(String.self, forKey: .text))
        case "resource_link":
            self = .resourceLink(
                uri: try container.decode(String.self, forKey: .uri), name: try container.decode(String.self, forKey: .name))
        case "resource":
            let resource = try container.decode(EmbeddedResource.self, forKey: .resource)
            self = .resource(uri: resource.uri, text: resource.text, mimeType: resource.mimeType)
        case "image", "audio": self = .unsupported(type: type)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription: "unknown content block type \"\(type)\" (text, resource_link, resource)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let text):
            try container.encode("text", forKey: .type)
            try container.encode(text, forKey: .text)
        case .resourceLink(let uri, let name):
            try container.encode("resource_link", forKey: .type)
            try container.encode(uri, forKey: .uri)
            try container.encode(name, forKey: .name)
        case .resource(let uri, let text, let mimeType):
            try container.encode("resource", forKey: .type)
            try container.encode(EmbeddedResource(uri: uri, text: text ?? "", mimeType: mimeType), forKey: .resource)
        case .unsupported(let type):
            // Never sent by agentd; encoded as an empty text so a round trip stays valid JSON.
            try container.encode("text", forKey: .type)
            try container.encode("[\(type)]", forKey: .text)
        }
    }
}
