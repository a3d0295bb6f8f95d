import AgentModel
import Logging

/// Drives one run: sends requests, records every frame, runs tools, until the run ends.
///
/// Every decision is taken from ``RunState`` (folded by ``RunReducer`` from the events this driver
/// records), and every side effect happens only after the events that justify it are committed.
actor RunDriver {
    let id: RunID
    private(set) var state: RunState
    let store: any EventStore
    let upstream: any ResponsesUpstream
    let tools: any ToolExecutor
    let configuration: EngineConfiguration
    let logger: Logger
    let toolDefinitions: [JSONValue]
    var lane: (any UpstreamLane)?
    /// Attempts at the current turn (reset when a response completes).
    var turnAttempts = 0

    init(
        state: RunState, store: any EventStore, upstream: any ResponsesUpstream, tools: any ToolExecutor,
        toolDefinitions: [JSONValue], configuration: EngineConfiguration, logger: Logger
    ) {
        self.id = state.id
        self.state = state
        self.store = store
        self.upstream = upstream
        self.tools = tools
        self.toolDefinitions = toolDefinitions
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "run.id"] = "\(state.id)"
        self.logger = logger
    }

    /// Runs until the run ends, is interrupted, or waits for a person.
    func drive() async {
        do {
            try await loop()
        } catch is CancellationError {
            await end(RunEventType.interrupted, RunEnded(reason: "agentd stopped while the run was active; resume it"))
        } catch let failure as LedgerFailure {
            logger.error("ledger failure, run stops", metadata: ["error": "\(failure)"])
        } catch {
            await end(RunEventType.failed, RunEnded(reason: "\(error)", code: "internal_error"))
        }
        await lane?.release()
        lane = nil
    }

    private func loop() async throws {
        while true {
            try Task.checkCancellation()
            switch state.nextStep {
            case .sendRequest:
                guard state.responsesCompleted < configuration.maxResponses else {
                    let reason = "the run reached run.max_responses (\(configuration.maxResponses))"
                    try await record(.run, RunEventType.failed, RunEnded(reason: reason, code: "max_responses"))
                    return
                }
                try await performTurn()
            case .runTools(let calls):
                for call in calls { try await runTool(call) }
            case .complete:
                try await record(.run, RunEventType.completed, RunEnded())
                return
            case .failed(let error):
                try await handleUpstreamError(error)
            case .resolveUncertain(let calls):
                let ids = calls.map(\.callID).joined(separator: ", ")
                let reason = "tool calls \(ids) started before a crash and their outcome is unknown"
                try await record(.run, RunEventType.interrupted, RunEnded(reason: reason, code: "uncertain_tool_call"))
                return
            case .wait:
                return
            }
        }
    }

    /// Records a lifecycle event, swallowing ledger errors (the run is over either way).
    private func end(_ type: String, _ payload: RunEnded) async {
        do {
            try await record(.run, type, payload)
        } catch {
            logger.error("could not record the end of the run", metadata: ["error": "\(error)"])
        }
    }
}

extension RunDriver {
    /// Appends one event: folds it into the state, then commits it (waiting when `durable`).
    func record<Payload: Encodable>(_ kind: EventKind, _ type: String, _ payload: Payload, durable: Bool = true)
        async throws
    {
        try await record(kind, type, rawPayload: JSONCoding.encode(payload), durable: durable)
    }

    /// Appends one event whose payload is already JSON text (upstream frames, byte for byte).
    func record(_ kind: EventKind, _ type: String, rawPayload: String, durable: Bool) async throws {
        let event = LedgerEvent(
            runID: id, seq: state.lastSeq + 1, timestampMillis: LedgerEvent.nowMillis(), kind: kind, type: type,
            payload: rawPayload)
        RunReducer.reduce(&state, event)
        if durable {
            try await store.append([event])
        } else {
            store.enqueue([event])
        }
    }
}
