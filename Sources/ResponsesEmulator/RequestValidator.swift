/// Turns client JSON into a ``CreateRequest`` and checks the request invariants the real API enforces.
enum RequestValidator {
    /// Where a request came from: some fields are transport-specific.
    enum Transport { case webSocket, http }

    /// Whether `id` is a valid lane name: 1–256 characters of `[A-Za-z0-9_.-]`.
    static func isValidStreamID(_ id: String) -> Bool {
        guard (1...256).contains(id.utf8.count) else { return false }
        return id.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == 0x5F || byte == 0x2E || byte == 0x2D
        }
    }

    /// Parses a `response.create` frame (WebSocket) or a create body (HTTP).
    /// - Throws: the ``EmulatorError`` the real API would answer with.
    static func parseCreate(_ object: JSONValue, transport: Transport) throws(EmulatorError) -> CreateRequest {
        guard object.objectMembers != nil else { throw .invalidType("body", expected: "an object") }

        var streamID: String? = nil
        if transport == .webSocket, let raw = object["stream_id"], !raw.isNull {
            guard let id = raw.stringValue, isValidStreamID(id) else { throw .invalidStreamID }
            streamID = id
        }

        guard let modelValue = object["model"], !modelValue.isNull else { throw .missingParameter("model") }
        guard let model = modelValue.stringValue else { throw .invalidType("model", expected: "a string") }

        if transport == .webSocket, object["background"]?.boolValue == true { throw .backgroundNotSupported }

        let input: [JSONValue]
        switch object["input"] {
        case nil, .null?:
            input = []
        case .string(let text)?:
            input = [
                .object([
                    ("type", .string("message")), ("role", .string("user")),
                    ("content", .array([.object([("type", .string("input_text")), ("text", .string(text))])])),
                ])
            ]
        case .array(let items)?:
            for item in items {
                guard item.objectMembers != nil, Conversation.type(of: item) != nil else {
                    throw .invalidType("input", expected: "a string or an array of input items with a 'type'")
                }
                let type = Conversation.type(of: item) ?? ""
                if Conversation.callOutputTypes.contains(type), item["call_id"]?.stringValue == nil {
                    throw .missingParameter("input.call_id")
                }
            }
            input = items
        default:
            throw .invalidType("input", expected: "a string or an array of input items")
        }

        var previous: String? = nil
        if let raw = object["previous_response_id"], !raw.isNull {
            guard let id = raw.stringValue else { throw .invalidType("previous_response_id", expected: "a string") }
            previous = id
        }

        return CreateRequest(
            raw: object,
            model: model,
            input: input,
            previousResponseID: previous,
            streamID: streamID,
            generate: transport == .webSocket ? (object["generate"]?.boolValue ?? true) : true,
            store: object["store"]?.boolValue ?? true,
            stream: object["stream"]?.boolValue ?? false,
            include: object["include"]?.arrayValue?.compactMap(\.stringValue) ?? []
        )
    }

    /// Checks that every tool output answers a call of the chain exactly once, with the output type of the call's
    /// type (a `function_call_output` cannot answer a `shell_call`), and that no call of the chain is left
    /// unanswered.
    /// - Parameters:
    ///   - history: the parent's conversation (empty for a fresh chain).
    ///   - input: the new input items.
    /// - Returns: the first violated invariant as the API error, or nil.
    static func checkToolPairing(history: [JSONValue], input: [JSONValue]) -> EmulatorError? {
        // call_id → the output type that answers it, in call order.
        var calls: [(id: String, answer: String)] = []
        var answered: Set<String> = []
        func see(_ item: JSONValue) -> EmulatorError? {
            let type = Conversation.type(of: item) ?? ""
            if let answer = Conversation.outputTypeOfCall[type] {
                if let id = item["call_id"]?.stringValue { calls.append((id, answer)) }
            } else if Conversation.callOutputTypes.contains(type) {
                let id = item["call_id"]?.stringValue ?? ""
                guard let call = calls.first(where: { $0.id == id }) else { return .noToolCall(callID: id) }
                guard call.answer == type else {
                    return .wrongToolOutputType(callID: id, got: type, expected: call.answer)
                }
                guard answered.insert(id).inserted else { return .duplicateToolOutput(callID: id) }
            }
            return nil
        }
        // The history was checked when it was sent: only its calls and answers are gathered.
        for item in history {
            let type = Conversation.type(of: item) ?? ""
            guard let id = item["call_id"]?.stringValue else { continue }
            if let answer = Conversation.outputTypeOfCall[type] { calls.append((id, answer)) }
            if Conversation.callOutputTypes.contains(type) { answered.insert(id) }
        }
        for item in input {
            if let violation = see(item) { return violation }
        }
        if let missing = calls.first(where: { !answered.contains($0.id) }) {
            return .noToolOutput(callID: missing.id)
        }
        return nil
    }
}
