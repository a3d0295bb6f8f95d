import Foundation

/// What the emulator's compaction items stand for: each `compaction` item's `encrypted_content` names an entry
/// here holding the whole conversation the item replaced, so a scripted model can still see every earlier item
/// (the real service keeps that knowledge inside its encrypted blob). Shared by all connections. Thread-safe.
final class CompactionStore: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: [JSONValue]] = [:]

    /// Prefix of every `encrypted_content` the emulator makes (Fernet tokens, like the real ones, start so).
    static let contentPrefix = "gAAAAAemu"

    /// Remembers `items` (fully expanded) and returns a new `compaction` item standing for them.
    func makeItem(replacing items: [JSONValue]) -> JSONValue {
        let key = IDGenerator.randomHex(40)
        lock.withLock { entries[key] = items }
        return .object([
            ("id", .string(IDGenerator.make("cmp"))),
            ("type", .string("compaction")),
            ("encrypted_content", .string(Self.contentPrefix + key)),
            ("created_by", .string("emulator")),
        ])
    }

    /// The items a compaction item stands for, or nil when its content is not one the emulator made.
    func expansion(of item: JSONValue) -> [JSONValue]? {
        guard let content = item["encrypted_content"]?.stringValue, content.hasPrefix(Self.contentPrefix) else {
            return nil
        }
        let key = String(content.dropFirst(Self.contentPrefix.count))
        return lock.withLock { entries[key] }
    }
}
