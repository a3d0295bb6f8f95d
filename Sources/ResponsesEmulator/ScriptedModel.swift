/// One output item a scripted model wants to produce.
enum PlannedItem: Sendable, Equatable {
    /// A reasoning item with an empty summary.
    case reasoning
    /// A function call with complete JSON arguments; `callID` fixes its `call_id` (hostile models repeat one),
    /// else a fresh one is made.
    case functionCall(name: String, arguments: String, callID: String? = nil)
    /// An assistant message with one `output_text` part.
    case message(text: String)
    /// An assistant message labelled `commentary` or `final_answer` (gpt-5.3-codex and later).
    case phasedMessage(text: String, phase: String)
    /// A `shell_call` (the built-in `shell` tool type) whose action runs `commands` in order.
    case shellCall(commands: [String], timeoutMillis: Int? = nil)
    /// An `apply_patch_call` (the built-in `apply_patch` tool type) with this `operation`: `create_file` or
    /// `update_file` with a V4A `diff`, or `delete_file`.
    case applyPatchCall(operation: JSONValue)
}

/// What a scripted model does with a request.
enum ModelPlan: Sendable, Equatable {
    /// Stream these items and complete.
    case items([PlannedItem])
    /// Start, then fail in-stream with this error (`error` event + `response.failed`).
    case failure(EmulatorError)
}

/// A deterministic stand-in for a model, chosen by the request's `model` name.
protocol ScriptedModel: Sendable {
    /// Decides the output from the whole chain (earlier turns and this request's input).
    func plan(conversation: [JSONValue]) -> ModelPlan

    /// When set, the WebSocket session paces the response's events at this interval from its first event
    /// (deadline-based, so sleep overshoot does not accumulate) instead of the configured inter-event delay.
    var eventInterval: Duration? { get }
}

extension ScriptedModel {
    var eventInterval: Duration? { nil }
}

/// Maps model names to scripted models.
///
/// Names: `emu-text` (and anything starting with `emu-text`), `emu-script` (steps from the last user message),
/// `emu-tools-N` and `emu-tools-N-tool-NAME`, `emu-journal-N`, `emu-slow-N-MS`, `emu-text-deltas-N-RATE`, `emu-fail`,
/// `emu-hostile-…` (see ``HostileModel``), `emu-shell-prompt` (runs the prompt as a shell command),
/// `emu-native-shell-N`, `emu-native-slow-N-MS` and `emu-native-patch` (built-in tool items, see ``NativeShellModel``
/// and ``NativePatchModel``), `emu-chat` (reports the user messages of the chain, see ``ChatModel``). Anything else is
/// unknown (`model_not_found`).
/// Over WebSocket, a name containing `wait-steer` makes the first response of a chain hold its stream after the
/// first text delta until a `response.steer` arrives (10 s at most), and a name ending in `-nosteer` refuses
/// steering with `steering_not_supported`.
enum ModelCatalog {
    static func model(named name: String) -> (any ScriptedModel)? {
        // The steering knobs are session behaviour, not part of the model's script.
        let name = name.replacingOccurrences(of: "-wait-steer", with: "").replacingOccurrences(of: "-nosteer", with: "")
        if name.hasPrefix("emu-script") { return ScriptModel() }
        if name.hasSuffix("-commentary") {
            return model(named: String(name.dropLast("-commentary".count))).map { CommentaryModel(inner: $0) }
        }
        if name.hasPrefix("emu-content-filter") { return TextModel() }
        if name.hasPrefix("emu-text-deltas-") { return TextDeltaStreamModel(name: name) }
        if name.hasPrefix("emu-text") { return TextModel() }
        if name == "emu-fail" { return FailingModel() }
        if name == "emu-shell-prompt" { return PromptCommandModel() }
        if name == "emu-chat" { return ChatModel() }
        if name.hasPrefix("emu-hostile-") { return HostileModel(name: name) }
        if name == "emu-native-patch" { return NativePatchModel() }
        if name.hasPrefix("emu-native-shell-"), let n = Int(name.dropFirst("emu-native-shell-".count)), n >= 0 {
            return NativeShellModel(callCount: n)
        }
        if name.hasPrefix("emu-native-slow-") {
            let parts = name.dropFirst("emu-native-slow-".count).split(separator: "-")
            guard parts.count == 2, let n = Int(parts[0]), let ms = Int(parts[1]), n >= 0, ms >= 0 else { return nil }
            return NativeShellModel(callCount: n, sleepMillis: ms)
        }
        if name.hasPrefix("emu-journal-"), let n = Int(name.dropFirst("emu-journal-".count)), n >= 0 {
            return ToolLoopModel(callCount: n, toolName: "shell", style: .journal)
        }
        if name.hasPrefix("emu-big-") {
            let parts = name.dropFirst("emu-big-".count).split(separator: "-")
            guard parts.count == 2, let n = Int(parts[0]), let bytes = Int(parts[1]), n >= 0, bytes >= 0 else { return nil }
            return ToolLoopModel(callCount: n, toolName: "shell", style: .padded(bytes: bytes))
        }
        if name.hasPrefix("emu-slow-") {
            let parts = name.dropFirst("emu-slow-".count).split(separator: "-")
            guard parts.count == 2, let n = Int(parts[0]), let ms = Int(parts[1]), n >= 0, ms >= 0 else { return nil }
            return ToolLoopModel(callCount: n, toolName: "shell", style: .slow(milliseconds: ms))
        }
        if name.hasPrefix("emu-tools-") {
            let rest = name.dropFirst("emu-tools-".count)
            var count = Substring(rest)
            var tool = "shell"
            if let range = rest.range(of: "-tool-") {
                count = rest[..<range.lowerBound]
                tool = String(rest[range.upperBound...])
            }
            guard let n = Int(count), n >= 0, !tool.isEmpty else { return nil }
            return ToolLoopModel(callCount: n, toolName: tool)
        }
        return nil
    }
}
