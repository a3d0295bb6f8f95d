import Synchronization
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
    private let storage = Mutex(Storage())

    /// - Parameter capacity: how many events are kept (at least 1).
    init(capacity: Int = 4096) {
        self.capacity = max(1, capacity)
    }

    /// The compact, sorted-key JSON of each of `events` (exactly what `JSONCoding.encodeData(event)` returns),
    /// looked up under one lock (a subscription hands over whole batches).
    func eventJSON(_ events: [LedgerEvent]) -> [Data] {
        let cached = storage.withLock { storage in
            events.map { storage.bytes[Key(runID: $0.runID, seq: $0.seq)] }
        }
        // Encode misses outside the lock; two connections racing on one miss both encode identical bytes.
        var encoded: [(Key, Data)] = []
        let json = zip(events, cached).map { event, cached -> Data in
            if let cached { return cached }
            let json = LedgerEventJSON.encode(event)
            encoded.append((Key(runID: event.runID, seq: event.seq), json))
            return json
        }
        if !encoded.isEmpty {
            storage.withLock { storage in
                for (key, json) in encoded { insert(key, json, into: &storage) }
            }
        }
        return json
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
