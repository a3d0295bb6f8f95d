import AgentModel
import Testing

/// Encodes `value` with sorted keys and compares it to the hand-written `json`, then decodes `json` back.
public func checkCoding<T: Codable & Equatable>(
    _ value: T, json: String, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let encoded = try JSONCoding.encode(value)
    #expect(encoded == json, sourceLocation: sourceLocation)
    let decoded = try JSONCoding.decode(T.self, from: json)
    #expect(decoded == value, sourceLocation: sourceLocation)
}
