/// Decoding the control payloads the reducer folds from their JSON text without `JSONDecoder` (see
/// ``ToolStarted/init(json:)`` for the rules: what the synthesized `Decodable` accepts, unknown members skipped).
extension ApprovalRequested {
    /// Decodes an `approval.requested` payload.
    ///
    /// - Throws: ``JSONParseError`` when the text is not such a payload (or names an unknown reason).
    public init(json text: String) throws(JSONParseError) {
        var callID: String?
        var name: String?
        var arguments: String?
        var reason: Reason?
        try JSONByteParser.readObject(text) { (key, parser: inout JSONByteParser) throws(JSONParseError) in
            switch key {
            case "call_id": callID = try parser.readString()
            case "name": name = try parser.readString()
            case "arguments": arguments = try parser.readString()
            case "reason":
                let start = parser.position
                let raw = try parser.readString()
                guard let known = Reason(rawValue: raw) else {
                    throw JSONParseError(offset: start, reason: "unknown approval reason \"\(raw)\"")
                }
                reason = known
            default: try parser.skipValue()
            }
        }
        guard let callID else { throw .missing("call_id") }
        guard let name else { throw .missing("name") }
        guard let arguments else { throw .missing("arguments") }
        guard let reason else { throw .missing("reason") }
        self.init(callID: callID, name: name, arguments: arguments, reason: reason)
    }
}

extension ApprovalResolved {
    /// Decodes an `approval.resolved` payload.
    ///
    /// - Throws: ``JSONParseError`` when the text is not such a payload.
    public init(json text: String) throws(JSONParseError) {
        var callID: String?
        var approved: Bool?
        var reason: String?
        var client: String?
        var uid: UInt32?
        var pid: Int32?
        var tty: String?
        try JSONByteParser.readObject(text) { (key, parser: inout JSONByteParser) throws(JSONParseError) in
            switch key {
            case "call_id": callID = try parser.readString()
            case "approved": approved = try parser.readBool()
            case "reason": reason = try parser.readOptionalString()
            case "client": client = try parser.readOptionalString()
            case "uid": uid = try parser.readOptionalInteger(UInt32.self)
            case "pid": pid = try parser.readOptionalInteger(Int32.self)
            case "tty": tty = try parser.readOptionalString()
            default: try parser.skipValue()
            }
        }
        guard let callID else { throw .missing("call_id") }
        guard let approved else { throw .missing("approved") }
        self.init(callID: callID, approved: approved, reason: reason, client: client, uid: uid, pid: pid, tty: tty)
    }
}

extension InputAdded {
    /// Decodes an `input.added` payload.
    ///
    /// - Throws: ``JSONParseError`` when the text is not such a payload.
    public init(json payload: String) throws(JSONParseError) {
        var inputID: String?
        var text: String?
        var client: String?
        try JSONByteParser.readObject(payload) { (key, parser: inout JSONByteParser) throws(JSONParseError) in
            switch key {
            case "input_id": inputID = try parser.readString()
            case "text": text = try parser.readString()
            case "client": client = try parser.readOptionalString()
            default: try parser.skipValue()
            }
        }
        guard let inputID else { throw .missing("input_id") }
        guard let text else { throw .missing("text") }
        self.init(inputID: inputID, text: text, client: client)
    }
}
