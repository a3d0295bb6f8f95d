/// A validated `response.create` frame or `POST /v1/responses` body.
struct CreateRequest: Sendable {
    /// The whole request object, for echoing settings into the Response object.
    var raw: JSONValue
    /// The requested model name.
    var model: String
    /// New input items (a string input becomes one user message).
    var input: [JSONValue]
    /// The response this one continues, if any.
    var previousResponseID: String?
    /// The lane (WebSocket only); nil is the default lane.
    var streamID: String?
    /// False for a warm-up: a normal lifecycle with empty output.
    var generate: Bool
    /// Whether the response is persisted beyond the connection (default true).
    var store: Bool
    /// HTTP only: stream the events as SSE.
    var stream: Bool
    /// Values of `include` (e.g. `reasoning.encrypted_content`).
    var include: [String]
}
