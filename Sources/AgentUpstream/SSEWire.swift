import AgentModel
import Foundation

/// The pure translations between the WebSocket-shaped frames of the port and HTTP+SSE.
enum SSEWire {
    /// Top-level members of a `response.create` frame that exist only on WebSocket.
    static let webSocketOnlyMembers: Set<String> = ["type", "stream_id", "generate"]

    /// The `POST /responses` body for a `response.create` frame: the same members minus `type`, `stream_id` and
    /// `generate`, plus `"stream": true`.
    ///
    /// - Throws: ``UpstreamLaneError`` `.invalidFrame` when `frame` is not a JSON object.
    static func requestBody(fromCreateFrame frame: String) throws -> Data {
        guard case .object(var members)? = try? JSONValue.parse(frame) else {
            throw UpstreamLaneError(code: .invalidFrame, message: "a response.create frame must be a JSON object")
        }
        for key in webSocketOnlyMembers { members[key] = nil }
        members["stream"] = .bool(true)
        return try JSONCoding.encodeData(JSONValue.object(members))
    }

    /// The WebSocket-shaped `error` frame for a non-2xx answer: `{"type":"error","status":N,"error":{…}}`.
    ///
    /// The `error` object is the body's own `error` object when the body is the API's JSON error shape, otherwise
    /// one made up from the status and up to 200 characters of the body, so the engine's reducer sees a
    /// request-scoped error either way.
    /// - Parameter headers: the answer's wait headers (`retry-after-ms`, …), carried in a top-level `headers` object
    ///   as the WebSocket error frames of rate limits carry them.
    static func errorFrame(status: Int, body: [UInt8], headers: [String: String] = [:]) -> String {
        struct ErrorBody: Decodable { var error: JSONValue }
        var error: JSONValue
        if let parsed = try? JSONCoding.decode(ErrorBody.self, from: Data(body)), case .object = parsed.error {
            error = parsed.error
        } else {
            let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            error = .object([
                "type": .string(status >= 500 ? "server_error" : "http_error"),
                "code": .null,
                "message": .string(text.isEmpty ? "HTTP status \(status)" : "HTTP status \(status): \(text)"),
                "param": .null,
            ])
        }
        var members: [String: JSONValue] = [
            "type": .string(UpstreamEventType.error), "status": .number(Double(status)), "error": error,
        ]
        if !headers.isEmpty { members["headers"] = .object(headers.mapValues { .string($0) }) }
        let frame = JSONValue.object(members)
        // Encoding a decoded JSONValue cannot fail.
        return (try? JSONCoding.encode(frame)) ?? #"{"type":"error","status":\#(status)}"#
    }

    /// Whether an SSE event's data is the `[DONE]` sentinel some gateways send (OpenAI's Responses streams don't).
    static func isDoneSentinel(_ data: String) -> Bool {
        data.trimmingCharacters(in: .whitespaces) == "[DONE]"
    }
}
