import AgentControl
import AgentModel
import AgentProtocol

extension FakeBackend {
    /// Like the real engine: events already recorded when the attach began come from the ledger (history, paced by
    /// the writer); later ones are live.
    func attachBatches(_ id: RunID, fromSeq: Int64) async throws -> AttachBatches {
        let historyEnd = try await lastSeq(id)
        let stream = try await attach(id, fromSeq: fromSeq)
        let source = AttachSource(iterator: stream.makeAsyncIterator())
        return AttachBatches(batches: {
            guard let item = await source.next() else { return nil }
            return AttachBatch(items: [item], fromLedger: (item.seq ?? .max) <= historyEnd)
        })
    }
}

/// The one consumer's iterator, kept across `nextBatch` calls (they never overlap).
private final class AttachSource: @unchecked Sendable {
    private var iterator: AsyncStream<AttachItem>.Iterator

    init(iterator: AsyncStream<AttachItem>.Iterator) { self.iterator = iterator }

    func next() async -> AttachItem? { await iterator.next() }
}
