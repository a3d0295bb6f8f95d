import AgentModel
import AgentProtocol

extension ControlBackend {
    /// No persistent store: idempotency records live in memory only and a restart forgets them.
    public var requestStore: (any ControlRequestStore)? { nil }

    /// Starts the run without committing `recorder`'s record: the server records the request after the effect.
    public func startRun(
        _ params: RunStart.Params, client: ClientIdentity, recorder: IdempotencyRecorder?
    )
        async throws -> RunState
    {
        try await startRun(params, client: client)
    }
}
