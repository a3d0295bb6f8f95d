/// `emu-native-shell-N`: the `emu-tools-N` loop with the built-in `shell` tool type: N `shell_call` items, then a
/// digest of their outputs.
///
/// Turn k (k = `shell_call_output` items in the chain so far) with k < N emits a reasoning item and one
/// `shell_call` whose action runs `echo step-<k> $((<k> * 7 + 3))`. Once k ≥ N it answers
/// `"Completed <k> tool calls.\ndigest=<hex>"`: the SHA-256 of, for each `shell_call_output` in call order, the
/// concatenated `stdout` of its entries followed by `"\n"`. The commands print what `emu-tools-N`'s do, so a client
/// that runs them right gets the digest `emu-tools-N` reports. `emu-native-slow-N-MS` sleeps MS milliseconds in
/// each call before echoing (same outputs, same digest), for crash and cancel tests.
struct NativeShellModel: ScriptedModel {
    /// N: how many calls before the final answer.
    var callCount: Int
    /// How long each command sleeps before it echoes.
    var sleepMillis = 0

    func plan(conversation: [JSONValue]) -> ModelPlan {
        let k = conversation.filter { Conversation.type(of: $0) == "shell_call_output" }.count
        guard k >= callCount else {
            let echo = "echo step-\(k) $((\(k) * 7 + 3))"
            let command = sleepMillis > 0 ? "sleep \(Double(sleepMillis) / 1000); " + echo : echo
            return .items([.reasoning, .shellCall(commands: [command])])
        }
        return .items([.message(text: "Completed \(k) tool calls.\ndigest=\(NativeOutputs.digest(of: conversation))")])
    }
}

/// The digest of the built-in tool outputs of a chain, shared by ``NativeShellModel`` and ``NativePatchModel``.
enum NativeOutputs {
    /// The lowercase hex SHA-256 of ``digestInput(of:)``.
    static func digest(of conversation: [JSONValue]) -> String {
        HexSHA256.of(digestInput(of: conversation))
    }

    /// For each `shell_call_output` and `apply_patch_call_output` in order: the concatenated `stdout` of a shell
    /// output's entries, or a patch output's `status`; each followed by `"\n"`.
    static func digestInput(of conversation: [JSONValue]) -> String {
        var text = ""
        for output in Conversation.nativeOutputs(conversation) {
            if Conversation.type(of: output) == "apply_patch_call_output" {
                text += (output["status"]?.stringValue ?? "") + "\n"
            } else {
                let entries = output["output"]?.arrayValue ?? []
                text += entries.compactMap { $0["stdout"]?.stringValue }.joined() + "\n"
            }
        }
        return text
    }
}
