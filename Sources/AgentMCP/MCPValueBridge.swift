import AgentModel
import Foundation
import MCP

/// Converts between the engine's ``JSONValue`` and the MCP SDK's `Value` through JSON text, so neither side's
/// encoding rules are re-implemented here.
enum MCPValueBridge {
    /// `value` as an MCP value.
    static func mcpValue(_ value: JSONValue) throws -> Value {
        let text = try JSONCoding.encode(value)
        return try JSONDecoder().decode(Value.self, from: Data(text.utf8))
    }

    /// `value` as a JSON value.
    static func jsonValue(_ value: Value) throws -> JSONValue {
        let data = try JSONEncoder().encode(value)
        return try JSONValue.parse(String(decoding: data, as: UTF8.self))
    }

    /// The text the model receives for a call's result: the text parts joined by newlines; other parts (images,
    /// audio, resources) as their JSON, which the model can still read.
    static func text(of content: [Tool.Content]) -> String {
        content.map { part in
            if case .text(let text, _, _) = part { return text }
            let data = (try? JSONEncoder().encode(part)) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }.joined(separator: "\n")
    }
}
