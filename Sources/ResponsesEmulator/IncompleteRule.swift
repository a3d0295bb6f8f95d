/// When a response ends `incomplete` instead of `completed`, and how a continuation of a cut message resumes.
///
/// - `max_output_tokens`: the first message whose text (4 bytes a token, like every estimate here) would pass the
///   request's `max_output_tokens` is cut there; the response ends `incomplete` with that reason.
/// - `content_filter`: models named `emu-content-filter…` stop half-way through their message.
/// - A request continuing an incomplete response (no new input needed) resumes the cut message: the model's plan
///   is made without the partial message, and the text already produced is dropped from its first message.
enum IncompleteRule {
    /// A message to cut: its position in the plan, the text that is sent, and the reason.
    struct Cut: Equatable {
        var index: Int
        var text: String
        var phase: String?
        var reason: String
    }

    /// The text of the trailing `incomplete` assistant messages of `items`, if the conversation ends with one.
    static func partialText(_ items: [JSONValue]) -> String? {
        var text: String? = nil
        for item in items.reversed() {
            guard Conversation.type(of: item) == "message", item["role"]?.stringValue == "assistant",
                item["status"]?.stringValue == "incomplete"
            else { break }
            text = Conversation.text(of: item["content"]) + (text ?? "")
        }
        return text
    }

    /// `items` without the trailing incomplete assistant messages.
    static func withoutPartial(_ items: [JSONValue]) -> [JSONValue] {
        var items = items
        while let last = items.last, Conversation.type(of: last) == "message",
            last["role"]?.stringValue == "assistant", last["status"]?.stringValue == "incomplete"
        {
            items.removeLast()
        }
        return items
    }

    /// The plan with the already produced `partial` text removed from its first message.
    static func resuming(_ planned: [PlannedItem], after partial: String?) -> [PlannedItem] {
        guard let partial else { return planned }
        return planned.map { item in
            switch item {
            case .message(let text) where text.hasPrefix(partial):
                return .message(text: String(text.dropFirst(partial.count)))
            case .phasedMessage(let text, let phase) where text.hasPrefix(partial):
                return .phasedMessage(text: String(text.dropFirst(partial.count)), phase: phase)
            default:
                return item
            }
        }
    }

    /// The message to cut, if any.
    static func cut(_ planned: [PlannedItem], request: CreateRequest) -> Cut? {
        let filtered = request.model.hasPrefix("emu-content-filter")
        let budget = request.raw["max_output_tokens"]?.intValue
        for (index, item) in planned.enumerated() {
            let text: String
            let phase: String?
            switch item {
            case .message(let t): (text, phase) = (t, nil)
            case .phasedMessage(let t, let p): (text, phase) = (t, p)
            default: continue
            }
            if filtered {
                return Cut(
                    index: index, text: String(text.prefix(text.count / 2)), phase: phase, reason: "content_filter")
            }
            if let budget, text.utf8.count > budget * 4 {
                let kept = String(decoding: Array(text.utf8.prefix(max(0, budget * 4))), as: UTF8.self)
                return Cut(index: index, text: kept, phase: phase, reason: "max_output_tokens")
            }
        }
        return nil
    }
}
