/// `emu-shell-prompt`: runs the user's text as one `shell` command, then answers `"Ran it."`.
///
/// Lets a test choose the command line a person is asked to approve (hostile ones included), which the
/// fixed `emu-tools-N` commands cannot.
struct PromptCommandModel: ScriptedModel {
    func plan(conversation: [JSONValue]) -> ModelPlan {
        guard Conversation.functionCallOutputs(conversation).isEmpty else { return .items([.message(text: "Ran it.")]) }
        let command = Conversation.lastUserText(conversation) ?? ""
        return .items([.functionCall(name: "shell", arguments: JSONValue.object([("cmd", .string(command))]).serialized)])
    }
}
