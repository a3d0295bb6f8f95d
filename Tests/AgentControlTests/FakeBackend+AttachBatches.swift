import AgentControl
import AgentModel
import AgentProtocol

extension FakeBackend {
    /// Like the real engine: events already recorded when the attach began come from the ledger (history, paced by
    /// the writer); later ones are live.
    func attachBatches(_ id: RunID, fromSeq: Int64) async throws -> AttachBatches {
        let historyEnd = try await lastSeq(id)
        let items = AttachBatches(try await attach(id, fromSeq: fromSeq))
        return AttachBatches(batches: {
            guard let batch = await items.nextBatch() else { return nil }
            return AttachBatch(items: batch.items, fromLedger: batch.items.allSatisfy { ($0.seq ?? .max) <= historyEnd })
        })
    }
}
