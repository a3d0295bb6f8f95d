import AgentModel
import Foundation

/// The JSON of recently committed events, encoded once and shared by every connection attached to the run.
///
/// With N clients attached to one run, each event used to be encoded N times (one `JSONEncoder` per connection);
/// the event is immutable once committed, so its bytes are keyed by (run, seq) and reused. The cache is bounded:
/// the oldest entry is dropped first, and a miss only costs one more encoding.
final class EventLineCache: Sendable {
    private struct Key: Hashable {
        var runID: RunID
        var seq: Int64
    }

    private struct Storage {
        var bytes: [Key: Data] = [:]
        /// Insertion order, used as a ring: `order[next]` is the oldest entry once the ring is full.
        var order: [Key] = []
        var next = 0
    }

    private let capacity: Int
    private let storage = Locked(Storage())

    /// - Parameter capacity: how many events are kept (at least 1).
    init(capacity: Int = 4096) {
        self.capacity = max(1, capacity)
    }

    /// The compact, sorted-key JSON of `event` (exactly what `JSONCoding.encodeData(event)` returns), or nil when
    /// it cannot be encoded.
    func eventJSON(_ event: LedgerEvent) -> Data? {
        eventJSON([event])[0]
    }

    /// ``eventJSON(_:)`` of each of `events`, looked up under one lock (a subscription hands over whole batches).
    func eventJSON(_ events: [LedgerEvent]) -> [Data?] {
        var found = storage.withLock { storage in
            events.map { storage.bytes[Key(runID: $0.runID, seq: $0.seq)] }
        }
        let missing = found.indices.filter { found[$0] == nil }
        guard !missing.isEmpty else { return found }
        // Encode outside the lock; two connections racing on one miss both encode, and the bytes are identical.
        for index in missing { found[index] = LedgerEventJSON.encode(events[index]) }
        storage.withLock { storage in
            for index in missing {
                guard let encoded = found[index] else { continue }
                insert(Key(runID: events[index].runID, seq: events[index].seq), encoded, into: &storage)
            }
        }
        return found
    }

    private func insert(_ key: Key, _ encoded: Data, into storage: inout Storage) {
        guard storage.bytes[key] == nil else { return }
        if storage.order.count < capacity {
            storage.order.append(key)
        } else {
            storage.bytes[storage.order[storage.next]] = nil
            storage.order[storage.next] = key
            storage.next = (storage.next + 1) % capacity
        }
        storage.bytes[key] = encoded
    }

    /// How many events are cached (for tests).
    var count: Int { storage.withLock { $0.bytes.count } }
}
