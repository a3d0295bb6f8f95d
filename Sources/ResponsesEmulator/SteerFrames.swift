/// The steering frames of §1.5 (WebSocket only), and validation of a `response.steer` client frame.
enum SteerFrames {
    /// Keys a `response.steer` frame may carry (never `stream_id`: the target response determines the lane).
    static let allowedKeys: Set<String> = ["type", "previous_response_id", "input"]

    /// The steer's input as user message items, or nil when it is empty or not only user messages whose content
    /// is a string or `input_text`/`input_image`/`input_file` parts.
    static func normalizedInput(_ input: JSONValue?) -> [JSONValue]? {
        switch input {
        case .string(let text)?:
            guard !text.isEmpty else { return nil }
            return [
                .object([
                    ("type", .string("message")), ("role", .string("user")),
                    ("content", .array([.object([("type", .string("input_text")), ("text", .string(text))])])),
                ])
            ]
        case .array(let items)?:
            guard !items.isEmpty, items.allSatisfy(isUserMessage) else { return nil }
            return items
        default:
            return nil
        }
    }

    private static func isUserMessage(_ item: JSONValue) -> Bool {
        guard item["role"]?.stringValue == "user", (item["type"]?.stringValue ?? "message") == "message" else {
            return false
        }
        switch item["content"] {
        case .string(let text)?:
            return !text.isEmpty
        case .array(let parts)?:
            let allowed: Set<String> = ["input_text", "input_image", "input_file"]
            return !parts.isEmpty && parts.allSatisfy { allowed.contains($0["type"]?.stringValue ?? "") }
        default:
            return false
        }
    }

    static func accepted(_ steer: AcceptedSteer, sequence: Int, streamID: String?) -> JSONValue {
        frame(
            "response.steer.accepted", sequence: sequence,
            [("steer", .object([("id", .string(steer.id)), ("previous_response_id", .string(steer.previousResponseID))]))],
            streamID: streamID)
    }

    /// `response.steer.pending` after `response.completed`: the response waits for the client's tool outputs.
    static func pending(_ steer: AcceptedSteer, sequence: Int, requiredInput: [JSONValue], streamID: String?)
        -> JSONValue
    {
        frame(
            "response.steer.pending", sequence: sequence,
            [
                ("reason", .string("waiting_for_required_input")),
                ("required_input", .array(requiredInput)),
                (
                    "steer",
                    .object([("id", .string(steer.id)), ("previous_response_id", .string(steer.previousResponseID))])
                ),
            ],
            streamID: streamID)
    }

    /// `response.steer.failed`: the original input comes back; no `steer.id` when refused before allocation.
    static func failed(
        code: String, message: String, input: JSONValue, previousResponseID: JSONValue, steerID: String? = nil,
        sequence: Int, streamID: String?
    ) -> JSONValue {
        var steer: [(String, JSONValue)] = [("input", input), ("previous_response_id", previousResponseID)]
        if let steerID { steer.append(("id", .string(steerID))) }
        return frame(
            "response.steer.failed", sequence: sequence,
            [
                (
                    "error",
                    .object([
                        ("type", .string("invalid_request_error")), ("code", .string(code)),
                        ("message", .string(message)),
                    ])
                ),
                ("steer", .object(steer)),
            ],
            streamID: streamID)
    }

    /// The stubs a client must fill before the response can continue: one per function call of `output`.
    static func requiredInput(for output: [JSONValue]) -> [JSONValue] {
        output.compactMap { item in
            guard item["type"]?.stringValue == "function_call" else { return nil }
            return .object([
                ("type", .string("function_call_output")), ("call_id", item["call_id"] ?? .null),
                ("name", item["name"] ?? .null),
            ])
        }
    }

    private static func frame(_ type: String, sequence: Int, _ fields: [(String, JSONValue)], streamID: String?)
        -> JSONValue
    {
        var members: [(String, JSONValue)] = [("type", .string(type)), ("sequence_number", .int(sequence))]
        members += fields
        if let streamID { members.append(("stream_id", .string(streamID))) }
        return .object(members)
    }
}
