/// `emu-tools-N[-tool-NAME]`: a tool loop of exactly N function calls, then a digest of the tool outputs.
///
/// Turn k (k = number of `function_call_output` items in the chain so far, 0-based) with k < N emits a
/// reasoning item (output_index 0, `summary: []`) and one `function_call` (output_index 1) to `shell` with
/// arguments `{"cmd":"echo step-<k> $((<k> * 7 + 3))"}` (for another tool name, arguments `{}`).
/// Once k ≥ N it answers with one message: `"Completed <k> tool calls.\ndigest=<hex>"` (see ``digest(of:)``).
///
/// Variants with the same outputs (so the same digest) and a side effect for crash and cancel tests:
/// `emu-journal-N` appends each step's line to `journal.log` in the run's directory (`… | tee -a journal.log`),
/// `emu-slow-N-MS` sleeps MS milliseconds in each call before echoing. `emu-big-N-BYTES` (for long contexts) adds
/// a line of BYTES `x` characters to each call's output: stdout `step-<k> <k*7+3>\n` + `x`×BYTES + `\n`.
struct ToolLoopModel: ScriptedModel {
    /// How each shell command is dressed around the `echo`.
    enum Style: Equatable {
        case plain
        case journal
        case slow(milliseconds: Int)
        /// `emu-big-N-BYTES`: each call's standard output also carries a line of BYTES `x` characters.
        case padded(bytes: Int)
    }

    /// N: how many calls before the final answer.
    var callCount: Int
    /// The function name to call (`shell` by default).
    var toolName: String
    var style: Style = .plain

    func plan(conversation: [JSONValue]) -> ModelPlan {
        let outputs = Conversation.functionCallOutputs(conversation)
        let k = outputs.count
        guard k >= callCount else {
            let arguments = toolName == "shell" ? Self.shellArguments(step: k, style: style) : "{}"
            return .items([.reasoning, .functionCall(name: toolName, arguments: arguments)])
        }
        let text = "Completed \(k) tool calls.\ndigest=\(Self.digest(of: conversation))"
        return .items([.message(text: text)])
    }

    /// The JSON arguments of the shell call of turn `step`: `{"cmd":"echo step-<k> $((<k> * 7 + 3))"}`.
    static func shellArguments(step k: Int, style: Style = .plain) -> String {
        let echo = "echo step-\(k) $((\(k) * 7 + 3))"
        let command: String
        switch style {
        case .plain: command = echo
        case .journal: command = echo + " | tee -a journal.log"
        case .slow(let milliseconds): command = "sleep \(Double(milliseconds) / 1000); " + echo
        case .padded(let bytes): command = echo + "; head -c \(bytes) /dev/zero | tr '\\0' x; echo"
        }
        return JSONValue.object([("cmd", .string(command))]).serialized
    }

    /// The digest the final answer reports, over every tool output of the chain.
    ///
    /// Exact rule: walk the chain's `function_call` items in order (call order); for each, take the
    /// `function_call_output` with the same `call_id` (calls without one are skipped). Its output text is the
    /// `output` string, or, when `output` is an array of content parts, the concatenation of the parts' `text`.
    /// If that text parses as a JSON object with a string field `"stdout"`, use that field's value, else the
    /// raw text. Append `"\n"` to each, concatenate, and return the lowercase hex SHA-256 of the UTF-8 bytes.
    /// E.g. outputs `{"stdout":"step-0 3\n","exit_code":0}` and `plain` hash `"step-0 3\n\nplain\n"`.
    static func digest(of conversation: [JSONValue]) -> String {
        HexSHA256.of(digestInput(of: conversation))
    }

    /// The exact string ``digest(of:)`` hashes.
    static func digestInput(of conversation: [JSONValue]) -> String {
        let outputs = Conversation.functionCallOutputs(conversation)
        var text = ""
        for callID in Conversation.functionCallIDs(conversation) {
            guard let output = outputs.first(where: { $0["call_id"]?.stringValue == callID }) else { continue }
            text += EmulatorDigest.stdout(of: Conversation.text(of: output["output"])) + "\n"
        }
        return text
    }
}
