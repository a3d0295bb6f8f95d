import AgentModel
import AgentProtocol

extension ControlBackend {
    /// No persistent store: idempotency records live in memory only and a restart forgets them.
    public var requestStore: (any ControlRequestStore)? { nil }

    /// Backends without conversations refuse `run/prompt`.
    public func promptRun(
        _ params: RunPrompt.Params, inputID: String, client: ClientIdentity, recorder: IdempotencyRecorder?
    ) async throws -> PromptResultState {
        throw ControlError.methodNotFound(RunPrompt.name)
    }

    /// Backends without conversations refuse `run/fork`.
    public func forkRun(_ params: RunFork.Params, client: ClientIdentity, recorder: IdempotencyRecorder?)
        async throws -> RunState
    {
        throw ControlError.methodNotFound(RunFork.name)
    }

    /// Starts the run without committing `recorder`'s record: the server records the request after the effect.
    public func startRun(
        _ params: RunStart.Params, client: ClientIdentity, recorder: IdempotencyRecorder?
    )
        async throws -> RunState
    {
        try await startRun(params, client: client)
    }
}
