/// The compaction rule for a run's conversation, shared by live runs, replay and every full-context rebuild.
///
/// A `compaction` item stands for everything before it (the server keeps what it needs inside its
/// `encrypted_content`), so a conversation is kept as: the user messages before the latest compaction item,
/// that item, and every item after it. A rebuild then resends that, never the whole history.
public enum ConversationCompaction {
    /// The item type of a compaction item.
    public static let itemType = "compaction"

    /// Whether `items` holds a compaction item.
    public static func containsCompaction(_ items: [JSONValue]) -> Bool {
        items.contains { $0["type"]?.stringValue == itemType }
    }

    /// `items` from the latest compaction item on, with the user messages before it kept in front.
    public static func pruned(_ items: [JSONValue]) -> [JSONValue] {
        guard let index = items.lastIndex(where: { $0["type"]?.stringValue == itemType }) else { return items }
        let kept = items[..<index].filter { item in
            let isMessage = item["type"]?.stringValue == "message" || (item["type"] == nil && item["role"] != nil)
            return isMessage && item["role"]?.stringValue == "user"
        }
        return kept + items[index...]
    }

    /// A rough token count of `items`: 4 bytes of their JSON each (what the emulator assumes too), for display
    /// and thresholds, not for billing.
    public static func estimatedTokens(_ items: [JSONValue]) -> Int {
        items.reduce(0) { total, item in total + max(1, item.serialized.utf8.count / 4) }
    }
}
