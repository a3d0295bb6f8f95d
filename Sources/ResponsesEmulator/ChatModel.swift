/// `emu-chat`: a conversation partner that reports what it saw, so a client test can prove that each turn's request
/// carried the earlier turns (chained with `previous_response_id` or rebuilt in full: the chain is the same).
///
/// It answers `turn N; saw: A | B | C`, where N is the number of user messages in the whole chain and A, B, C are
/// their texts in order. A user message `shell: CMD` first calls `shell` with `{"cmd": CMD}`; once the call's output
/// is in, the answer follows.
struct ChatModel: ScriptedModel {
    static let shellPrefix = "shell: "

    func plan(conversation: [JSONValue]) -> ModelPlan {
        let users = conversation.filter {
            Conversation.type(of: $0) == "message" && $0["role"]?.stringValue == "user"
        }
        let texts = users.map { Conversation.text(of: $0["content"]) }
        let last = conversation.lastIndex { Conversation.type(of: $0) == "message" && $0["role"]?.stringValue == "user" }
        let answered = last.map { !Conversation.functionCallOutputs(Array(conversation[$0...])).isEmpty } ?? false
        if let text = texts.last, text.hasPrefix(Self.shellPrefix), !answered {
            let command = String(text.dropFirst(Self.shellPrefix.count))
            return .items([
                .functionCall(name: "shell", arguments: JSONValue.object([("cmd", .string(command))]).serialized)
            ])
        }
        return .items([.message(text: "turn \(texts.count); saw: " + texts.joined(separator: " | "))])
    }
}
