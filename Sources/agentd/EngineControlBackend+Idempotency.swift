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

extension EngineControlBackend {
    /// Prompts a conversation; a prompt that opens a turn commits its idempotency record with `turn.started`.
    func promptRun(
        _ params: RunPrompt.Params, inputID: String, client: ClientIdentity, recorder: IdempotencyRecorder?
    ) async throws -> PromptResultState {
        let recording = Self.recording(recorder)
        let outcome = try await manager.prompt(
            params.runID, text: params.text, inputID: inputID, effort: params.effort, toolFormat: params.toolFormat,
            client: "\(client.name) (uid \(client.uid))", recording: recording)
        return PromptResultState(state: outcome.state, turn: outcome.turn)
    }

    /// Forks a conversation; the idempotency record commits with the fork's first events.
    func forkRun(_ params: RunFork.Params, client: ClientIdentity, recorder: IdempotencyRecorder?) async throws
        -> RunState
    {
        let recording = Self.recording(recorder)
        return try await manager.fork(
            params.runID, atTurn: params.atTurn, client: "\(client.name) (uid \(client.uid))", recording: recording)
    }

    /// The engine's hook that builds `recorder`'s record from the state the effect produced.
    private static func recording(_ recorder: IdempotencyRecorder?)
        -> (@Sendable (RunState) throws -> ControlRequestRecord)?
    {
        guard let recorder else { return nil }
        return { state in try recorder.record(for: state) }
    }
}
