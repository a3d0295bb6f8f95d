/// `emu-text`: answers "You said: <last user text>" as one streamed message.
struct TextModel: ScriptedModel {
    func plan(conversation: [JSONValue]) -> ModelPlan {
        let said = Conversation.lastUserText(conversation) ?? ""
        return .items([.message(text: "You said: \(said)")])
    }
}
