/// The context rules of compaction: what counts toward the context window, and what a model sees.
///
/// A `compaction` item replaces everything before it: the effective context is the user messages before the
/// latest compaction item (the server keeps them), that item, and every item after it.
enum Compaction {
    /// The index of the latest `compaction` item, if any.
    static func latestIndex(_ items: [JSONValue]) -> Int? {
        items.lastIndex { Conversation.type(of: $0) == "compaction" }
    }

    /// The items that count toward the context window.
    static func effective(_ items: [JSONValue]) -> [JSONValue] {
        guard let index = latestIndex(items) else { return items }
        let kept = items[..<index].filter(isUserMessage)
        return kept + items[index...]
    }

    /// The whole conversation as the model knows it: the latest compaction item (when the emulator made it)
    /// replaced by everything it stands for, followed by what came after it.
    static func expanded(_ items: [JSONValue], store: CompactionStore) -> [JSONValue] {
        guard let index = latestIndex(items), let earlier = store.expansion(of: items[index]) else { return items }
        return earlier + items[(index + 1)...]
    }

    /// The `/responses/compact` output for a conversation: every user message of its effective context, then one
    /// new compaction item standing for the whole (expanded) conversation.
    static func compact(_ items: [JSONValue], store: CompactionStore) -> [JSONValue] {
        let users = effective(items).filter(isUserMessage).map(normalizedUserMessage)
        return users + [store.makeItem(replacing: expanded(items, store: store))]
    }

    /// The estimated prompt tokens of a request over `items` (its effective context plus instructions and tools).
    static func promptTokens(_ items: [JSONValue], request: CreateRequest) -> Int {
        Conversation.tokenEstimate(effective(items))
            + Conversation.tokenEstimate([request.raw["instructions"] ?? .null, request.raw["tools"] ?? .null])
    }

    /// The request's `context_management` compaction threshold, if it asked for one.
    static func threshold(of request: CreateRequest) -> Int? {
        for entry in request.raw["context_management"]?.arrayValue ?? []
        where entry["type"]?.stringValue == "compaction" {
            if let value = entry["compact_threshold"]?.intValue { return value }
        }
        return nil
    }

    /// The tool-pairing check applies to the effective context: calls before a compaction item are gone.
    static func pairingWindow(history: [JSONValue], input: [JSONValue]) -> (history: [JSONValue], input: [JSONValue]) {
        let all = history + input
        guard let index = latestIndex(all) else { return (history, input) }
        if index < history.count { return (Array(history[(index + 1)...]), input) }
        return ([], Array(input[(index - history.count + 1)...]))
    }

    /// A user message in the item shape the API answers with: `type`, `role` and `input_text` content parts.
    static func normalizedUserMessage(_ item: JSONValue) -> JSONValue {
        let content: JSONValue
        if case .string(let text)? = item["content"] {
            content = .array([.object([("type", .string("input_text")), ("text", .string(text))])])
        } else {
            content = item["content"] ?? .array([])
        }
        return .object([("type", .string("message")), ("role", .string("user")), ("content", content)])
    }

    private static func isUserMessage(_ item: JSONValue) -> Bool {
        Conversation.type(of: item) == "message" && item["role"]?.stringValue == "user"
    }
}
