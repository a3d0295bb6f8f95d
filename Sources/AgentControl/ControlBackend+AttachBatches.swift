import AgentModel
import AgentProtocol

extension ControlBackend {
    /// One item per batch, pulled from ``attach(_:fromSeq:)`` in the pump's task (no extra task or buffer).
    public func attachBatches(_ id: RunID, fromSeq: Int64) async throws -> AttachBatches {
        AttachBatches(try await attach(id, fromSeq: fromSeq))
    }

    /// Backends without conversations end a feed at a turn's end whatever is asked.
    public func attachBatches(_ id: RunID, fromSeq: Int64, acrossTurns: Bool) async throws -> AttachBatches {
        try await attachBatches(id, fromSeq: fromSeq)
    }
}
