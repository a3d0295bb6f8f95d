import AgentModel
import AgentProtocol

extension ControlBackend {
    /// One item per batch, pulled from ``attach(_:fromSeq:)`` in the pump's task (no extra task or buffer).
    public func attachBatches(_ id: RunID, fromSeq: Int64) async throws -> AttachBatches {
        AttachBatches(try await attach(id, fromSeq: fromSeq))
    }
}
