import AgentControl
import AgentEngine
import AgentModel
import AgentProtocol

extension EngineControlBackend {
    /// The ledger keeps idempotency records, so a retried request is answered from its first result across restarts.
    var requestStore: (any ControlRequestStore)? { ledger }

    /// Starts a run whose idempotency record (when given) commits in the same ledger transaction as `run.started`.
    func startRun(_ params: RunStart.Params, client: ClientIdentity, recorder: IdempotencyRecorder?)
        async throws
        -> RunState
    {
        let request = startRequest(params, client: client)
        try WorkingDirectoryCheck.check(request.cwd)
        guard let recorder else { return try await manager.start(request) }
        return try await manager.start(request) { state in try recorder.record(for: state) }
    }
}
