/// An API error as the real Responses API reports it, renderable in each of its wire shapes.
///
/// Shapes: the WebSocket `error` frame (`{"type":"error","status":…,"stream_id"?:…,"error":{…}}`), the in-stream
/// `error` event (`{"type":"error","sequence_number":N,"error":{…}}`) and the HTTP error body
/// (`{"error":{"message","type","param","code"}}`).
struct EmulatorError: Error, Sendable, Equatable {
    /// HTTP-equivalent status.
    var status: Int
    /// `invalid_request_error`, `server_error`, …
    var type: String
    /// Machine-readable code, or nil (JSON `null`).
    var code: String?
    /// Human-readable message, verbatim from the real API where known.
    var message: String
    /// The offending request parameter, or nil.
    var param: String?
    /// For 429s: the wait the answer's `retry-after-ms`/`retry-after` headers ask for (see ``headers``).
    var retryAfterMillis: Int? = nil

    /// The nested `error` object.
    var errorObject: JSONValue {
        .object([
            ("type", .string(type)),
            ("code", .optionalString(code)),
            ("message", .string(message)),
            ("param", .optionalString(param)),
        ])
    }

    /// The request-scoped WebSocket error frame; `stream_id` only when attributable to a named lane.
    func webSocketFrame(streamID: String?) -> JSONValue {
        var members: [(String, JSONValue)] = [("type", .string("error")), ("status", .int(status))]
        if let streamID { members.append(("stream_id", .string(streamID))) }
        members.append(("error", errorObject))
        // WebSocket frames have no HTTP headers: the rate-limit values travel in a top-level `headers` object.
        if !headers.isEmpty { members.append(("headers", .object(headers.map { ($0.0, .string($0.1)) }))) }
        return .object(members)
    }

    /// HTTP headers that go with this error (`retry-after-ms` and `retry-after` for a 429), in order.
    var headers: [(String, String)] {
        guard let ms = retryAfterMillis else { return [] }
        return [("retry-after-ms", "\(ms)"), ("retry-after", "\((ms + 999) / 1000)")]
    }

    /// The in-stream `error` event (nested shape, as the live API sends it) with a sequence number.
    func streamEvent(sequenceNumber: Int, streamID: String?) -> JSONValue {
        var members: [(String, JSONValue)] = [("type", .string("error")), ("sequence_number", .int(sequenceNumber))]
        if let streamID { members.append(("stream_id", .string(streamID))) }
        members.append(("error", errorObject))
        return .object(members)
    }

    /// The HTTP JSON error body.
    var httpBody: JSONValue {
        .object([
            (
                "error",
                .object([
                    ("message", .string(message)),
                    ("type", .string(type)),
                    ("param", .optionalString(param)),
                    ("code", .optionalString(code)),
                ])
            )
        ])
    }
}

extension EmulatorError {
    static func invalidRequest(_ message: String, param: String?, code: String?) -> EmulatorError {
        EmulatorError(status: 400, type: "invalid_request_error", code: code, message: message, param: param)
    }

    static func previousResponseNotFound(_ id: String) -> EmulatorError {
        .invalidRequest(
            "Previous response with id '\(id)' not found.",
            param: "previous_response_id",
            code: "previous_response_not_found"
        )
    }

    static let invalidStreamID = EmulatorError.invalidRequest(
        "The 'stream_id' field must be a non-empty string with at most 256 characters and may only contain letters, numbers, underscores, hyphens, and periods.",
        param: "stream_id",
        code: "invalid_stream_id"
    )

    static let streamLimitReached = EmulatorError.invalidRequest(
        "This WebSocket connection has reached its maximum number of distinct stream IDs (32). Reuse an existing stream_id or open a new WebSocket connection.",
        param: "stream_id",
        code: "websocket_stream_limit_reached"
    )

    static let connectionLimitReached = EmulatorError.invalidRequest(
        "Responses websocket connection limit reached (60 minutes). Create a new websocket connection to continue.",
        param: nil,
        code: "websocket_connection_limit_reached"
    )

    static func modelNotFound(_ model: String) -> EmulatorError {
        EmulatorError(
            status: 400,
            type: "invalid_request_error",
            code: "model_not_found",
            message: "The model `\(model)` does not exist or you do not have access to it.",
            param: "model"
        )
    }

    static func missingParameter(_ name: String) -> EmulatorError {
        .invalidRequest("Missing required parameter: '\(name)'.", param: name, code: "missing_required_parameter")
    }

    static func invalidType(_ name: String, expected: String) -> EmulatorError {
        .invalidRequest("Invalid type for '\(name)': expected \(expected).", param: name, code: "invalid_type")
    }

    static let invalidJSON = EmulatorError.invalidRequest(
        "We could not parse the JSON body of your request. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.",
        param: nil,
        code: "invalid_json"
    )

    static func unknownEventType(_ type: String) -> EmulatorError {
        .invalidRequest(
            "Invalid value: '\(type)'. Supported values are: 'response.create' and 'response.steer'.",
            param: "type",
            code: "invalid_value"
        )
    }

    static let backgroundNotSupported = EmulatorError.invalidRequest(
        "Background mode is not supported over WebSocket. Omit 'background' or use HTTP.",
        param: "background",
        code: "unsupported_parameter"
    )

    static func noToolOutput(callID: String) -> EmulatorError {
        .invalidRequest("No tool output found for function call \(callID).", param: "input", code: nil)
    }

    /// A tool output of another type than the call's (`function_call_output` for a `shell_call`).
    static func wrongToolOutputType(callID: String, got: String, expected: String) -> EmulatorError {
        .invalidRequest(
            "The tool call \(callID) must be answered with a \(expected) item, not a \(got) item.",
            param: "input", code: nil)
    }

    static func noToolCall(callID: String) -> EmulatorError {
        .invalidRequest(
            "No tool call found for function call output with call_id \(callID).",
            param: "input",
            code: nil
        )
    }

    static func duplicateToolOutput(callID: String) -> EmulatorError {
        .invalidRequest(
            "Duplicate function call output for call_id \(callID): each function call must be answered exactly once.",
            param: "input",
            code: nil
        )
    }

    static let missingAuthorization = EmulatorError(
        status: 401,
        type: "invalid_request_error",
        code: nil,
        message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        param: nil
    )

    static let upgradeRequired = EmulatorError(
        status: 426,
        type: "invalid_request_error",
        code: "websocket_not_supported",
        message: "WebSocket mode is not available. Use HTTP streaming instead.",
        param: nil
    )

    static let serverError = EmulatorError(
        status: 500,
        type: "server_error",
        code: "server_error",
        message: "The server had an error while processing your request. Sorry about that!",
        param: nil
    )
}
