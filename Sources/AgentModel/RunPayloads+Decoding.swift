/// Decoding the run lifecycle payloads from their JSON text without `JSONDecoder` (see ``ToolStarted/init(json:)``
/// for the rules: what the synthesized `Decodable` accepts, unknown members skipped).
extension RunStarted {
    /// Decodes a `run.started` payload.
    ///
    /// - Throws: ``JSONParseError`` when the text is not such a payload.
    public init(json text: String) throws(JSONParseError) {
        var model: String?
        var prompt: String?
        var instructions: String?
        var cwd: String?
        var tools: [String]?
        var client: String?
        var requireApproval: [String]?
        var effort: String?
        var maxOutputTokens: Int?
        var toolFormat: ToolFormat?
        try JSONByteParser.readObject(text) { (key, parser: inout JSONByteParser) throws(JSONParseError) in
            switch key {
            case "model": model = try parser.readString()
            case "prompt": prompt = try parser.readString()
            case "instructions": instructions = try parser.readOptionalString()
            case "cwd": cwd = try parser.readString()
            case "tools": tools = try parser.readStringArray()
            case "client": client = try parser.readOptionalString()
            case "require_approval": requireApproval = try parser.readOptionalStringArray()
            case "effort": effort = try parser.readOptionalString()
            case "max_output_tokens": maxOutputTokens = try parser.readOptionalInteger(Int.self)
            case "tool_format":
                let start = parser.position
                guard let raw = try parser.readOptionalString() else { break }
                guard let format = ToolFormat(rawValue: raw) else {
                    throw JSONParseError(offset: start, reason: "unknown tool format \"\(raw)\"")
                }
                toolFormat = format
            default: try parser.skipValue()
            }
        }
        guard let model else { throw .missing("model") }
        guard let prompt else { throw .missing("prompt") }
        guard let cwd else { throw .missing("cwd") }
        guard let tools else { throw .missing("tools") }
        self.init(
            model: model, prompt: prompt, instructions: instructions, cwd: cwd, tools: tools, client: client,
            requireApproval: requireApproval)
        self.effort = effort
        self.maxOutputTokens = maxOutputTokens
        self.toolFormat = toolFormat
    }
}

extension RunEnded {
    /// Decodes the payload of `run.completed`, `run.failed`, `run.cancelled` or `run.interrupted`.
    ///
    /// - Throws: ``JSONParseError`` when the text is not such a payload.
    public init(json text: String) throws(JSONParseError) {
        var reason: String?
        var code: String?
        try JSONByteParser.readObject(text) { (key, parser: inout JSONByteParser) throws(JSONParseError) in
            switch key {
            case "reason": reason = try parser.readOptionalString()
            case "code": code = try parser.readOptionalString()
            default: try parser.skipValue()
            }
        }
        self.init(reason: reason, code: code)
    }
}
