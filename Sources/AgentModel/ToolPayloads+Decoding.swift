/// Decoding the tool payloads from their JSON text without `JSONDecoder`: replay reads two of them per tool call.
///
/// Each decoder accepts what the synthesized `Decodable` accepts: members in any order, unknown members skipped
/// (a newer agentd may add some), optional members absent or `null`; a missing or mistyped required member fails.
extension ToolStarted {
    /// Decodes a `tool.started` payload.
    ///
    /// - Throws: ``JSONParseError`` when the text is not such a payload.
    public init(json text: String) throws(JSONParseError) {
        var callID: String?
        var name: String?
        var arguments: String?
        var cwd: String?
        var kind: String?
        try JSONByteParser.readObject(text) { (key, parser: inout JSONByteParser) throws(JSONParseError) in
            switch key {
            case "call_id": callID = try parser.readString()
            case "name": name = try parser.readString()
            case "arguments": arguments = try parser.readString()
            case "cwd": cwd = try parser.readString()
            case "kind": kind = try parser.readString()
            default: try parser.skipValue()
            }
        }
        guard let callID else { throw .missing("call_id") }
        guard let name else { throw .missing("name") }
        guard let arguments else { throw .missing("arguments") }
        guard let cwd else { throw .missing("cwd") }
        self.init(callID: callID, name: name, arguments: arguments, cwd: cwd, kind: kind.flatMap(ToolCallKind.init))
    }
}

extension ToolFinished {
    /// Decodes a `tool.finished` payload.
    ///
    /// - Throws: ``JSONParseError`` when the text is not such a payload.
    public init(json text: String) throws(JSONParseError) {
        var callID: String?
        var exitCode: Int32?
        var durationMillis: Double?
        var output: String?
        var timedOut: Bool?
        var truncatedBytes: Int?
        var stdoutSHA256: String?
        var stdoutBytes: Int?
        var stderrSHA256: String?
        var stderrBytes: Int?
        var cancelled: Bool?
        try JSONByteParser.readObject(text) { (key, parser: inout JSONByteParser) throws(JSONParseError) in
            switch key {
            case "call_id": callID = try parser.readString()
            case "exit_code": exitCode = try parser.readOptionalInteger(Int32.self)
            case "duration_ms": durationMillis = try parser.readDouble()
            case "output": output = try parser.readString()
            case "timed_out": timedOut = try parser.readBool()
            case "truncated_bytes": truncatedBytes = try parser.readInteger(Int.self)
            case "stdout_sha256": stdoutSHA256 = try parser.readOptionalString()
            case "stdout_bytes": stdoutBytes = try parser.readOptionalInteger(Int.self)
            case "stderr_sha256": stderrSHA256 = try parser.readOptionalString()
            case "stderr_bytes": stderrBytes = try parser.readOptionalInteger(Int.self)
            case "cancelled": cancelled = try parser.readNull() ? nil : parser.readBool()
            default: try parser.skipValue()
            }
        }
        guard let callID else { throw .missing("call_id") }
        guard let durationMillis else { throw .missing("duration_ms") }
        guard let output else { throw .missing("output") }
        guard let timedOut else { throw .missing("timed_out") }
        guard let truncatedBytes else { throw .missing("truncated_bytes") }
        self.init(
            callID: callID, exitCode: exitCode, durationMillis: durationMillis, output: output, timedOut: timedOut,
            truncatedBytes: truncatedBytes)
        self.stdoutSHA256 = stdoutSHA256
        self.stdoutBytes = stdoutBytes
        self.stderrSHA256 = stderrSHA256
        self.stderrBytes = stderrBytes
        self.cancelled = cancelled
    }
}

extension ToolAbandoned {
    /// Decodes a `tool.abandoned` payload.
    ///
    /// - Throws: ``JSONParseError`` when the text is not such a payload.
    public init(json text: String) throws(JSONParseError) {
        var callID: String?
        var reason: String?
        try JSONByteParser.readObject(text) { (key, parser: inout JSONByteParser) throws(JSONParseError) in
            switch key {
            case "call_id": callID = try parser.readString()
            case "reason": reason = try parser.readString()
            default: try parser.skipValue()
            }
        }
        guard let callID else { throw .missing("call_id") }
        guard let reason else { throw .missing("reason") }
        self.init(callID: callID, reason: reason)
    }
}

extension ToolRefused {
    /// Decodes a `tool.refused` payload.
    ///
    /// - Throws: ``JSONParseError`` when the text is not such a payload (or names a reason this version does not
    ///   know).
    public init(json text: String) throws(JSONParseError) {
        var callID: String?
        var name: String?
        var reason: String?
        var output: String?
        try JSONByteParser.readObject(text) { (key, parser: inout JSONByteParser) throws(JSONParseError) in
            switch key {
            case "call_id": callID = try parser.readString()
            case "name": name = try parser.readString()
            case "reason": reason = try parser.readString()
            case "output": output = try parser.readOptionalString()
            default: try parser.skipValue()
            }
        }
        guard let callID else { throw .missing("call_id") }
        guard let name else { throw .missing("name") }
        guard let reason else { throw .missing("reason") }
        guard let refusal = ToolRefusal(rawValue: reason) else {
            throw JSONParseError(offset: 0, reason: "unknown refusal reason \"\(reason)\"")
        }
        self.init(callID: callID, name: name, reason: refusal, output: output)
    }
}
