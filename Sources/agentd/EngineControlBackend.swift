import AgentControl
import AgentEngine
import AgentEngineControl
import AgentLedger
import AgentModel
import AgentProtocol
import AgentTools
import AgentUpstream
import Foundation

/// Answers the control server from the engine and the ledger: the one place wire requests meet the engine.
struct EngineControlBackend: ControlBackend {
    let manager: RunManager
    let ledger: Ledger
    let upstream: AutoUpstream
    let stateDirectory: String
    /// The reloadable defaults of new runs (model, tools, instructions); the engine's start-up defaults otherwise.
    var live: LiveSettings? = nil
    /// Where `daemon/metrics` reads from (none: an empty exposition).
    var metrics: MetricsSource? = nil
    /// Why bubblewrap cannot run here, from the start-up probe (`nil`: it can).
    var sandboxUnavailable: String? = nil

    func startRun(_ params: RunStart.Params, client: ClientIdentity) async throws -> RunState {
        let request = startRequest(params, client: client)
        try WorkingDirectoryCheck.check(request.cwd)
        return try await mapped { try await manager.start(request) }
    }

    /// The engine's request for `params`; unset fields take the live defaults.
    func startRequest(_ params: RunStart.Params, client: ClientIdentity) -> StartRunRequest {
        let defaults = live?.runDefaults
        var request = StartRunRequest(
            prompt: params.prompt ?? "", model: params.model ?? defaults?.model,
            cwd: params.cwd ?? FileManager.default.homeDirectoryForCurrentUser.path,
            instructions: params.instructions ?? defaults?.instructions, tools: params.tools ?? defaults?.tools,
            client: "\(client.name) (uid \(client.uid))",
            requireApproval: params.requireApproval ?? [])
        request.addTools = params.addTools ?? []
        request.removeTools = params.removeTools ?? []
        request.effort = params.effort
        request.maxOutputTokens = params.maxOutputTokens
        // Resolved here from the live defaults (a reload may have changed them); the engine's start-up ones otherwise.
        request.toolFormat =
            params.toolFormat
            ?? defaults.flatMap { defaults in
                ToolFormatChoice(rawValue: defaults.toolFormat)?.resolve(
                    model: request.model ?? defaults.model, nativeModels: defaults.nativeToolModels)
            }
        return request
    }

    func addInput(_ id: RunID, text: String, inputID: String, client: ClientIdentity) async throws -> InputOutcome {
        try await mapped {
            // The engine ignores an input id the run already has; learn beforehand whether this one is new.
            // (Two concurrent requests with the same new id may both report `applied`; only one is recorded.)
            let before = try await manager.state(of: id)
            let state = try await manager.addInput(id, InputAdded(inputID: inputID, text: text, client: client.name))
            return InputOutcome(state: state, applied: !before.inputIDs.contains(inputID))
        }
    }

    func cancelRun(_ id: RunID, mode: RunCancel.Mode, reason: String, client: ClientIdentity) async throws
        -> RunState
    {
        try await mapped {
            // A run whose driver is still winding down after its last event must not look cancellable.
            let current = try await manager.state(of: id)
            if current.status == .completed || current.status == .cancelled {
                throw EngineError(.invalidRequest, "run \(id) is already \(current.status.rawValue)")
            }
            let engineMode: CancelMode = mode == .afterTool ? .afterTool : .now
            return try await manager.cancel(id, mode: engineMode, reason: reason)
        }
    }

    func resumeRun(_ id: RunID, client: ClientIdentity) async throws -> RunState {
        try await mapped { try await manager.resume(id) }
    }

    func pendingApprovals(_ run: RunID?) async throws -> [ApprovalInfo] {
        try await mapped {
            if let run { _ = try await manager.state(of: run) }
            return await manager.pendingApprovals(run).map { ApprovalInfo(runID: $0.0, record: $0.1) }
        }
    }

    func resolveApproval(_ params: ApprovalResolve.Params, client: ClientIdentity) async throws
        -> ApprovalResolve.Result
    {
        let decision = ApprovalResolved(
            callID: params.callID, approved: params.approve, reason: params.reason, client: client.name,
            uid: client.uid, pid: client.pid, tty: client.tty)
        let outcome = try await mapped { try await manager.resolveApproval(params.runID, decision) }
        switch outcome {
        case .resolved:
            return ApprovalResolve.Result(outcome: .resolved, approved: params.approve)
        case .alreadyResolved(let earlier):
            let decidedBy = ApprovalResolve.DecidedBy(
                client: earlier.client, uid: earlier.uid, pid: earlier.pid, tty: earlier.tty)
            return ApprovalResolve.Result(outcome: .alreadyResolved, approved: earlier.approved, decidedBy: decidedBy)
        case .notFound:
            throw ControlError.approvalNotFound(runID: params.runID, callID: params.callID)
        }
    }

    func runState(_ id: RunID) async throws -> RunState {
        try await mapped { try await manager.state(of: id) }
    }

    func listRuns(limit: Int, before: RunID?) async throws -> [RunSummary] {
        try await mapped { try await ledger.runSummaries(limit: limit, before: before) }
    }

    func attach(_ id: RunID, fromSeq: Int64) async throws -> AsyncStream<AttachItem> {
        _ = try await runState(id)
        return RunFeedAttachSource(manager.feed(id, fromSeq: fromSeq)).items
    }

    func attachBatches(_ id: RunID, fromSeq: Int64) async throws -> AttachBatches {
        _ = try await runState(id)
        return RunFeedAttachSource(manager.feed(id, fromSeq: fromSeq)).batches
    }

    func attachBatches(_ id: RunID, fromSeq: Int64, acrossTurns: Bool) async throws -> AttachBatches {
        _ = try await runState(id)
        return RunFeedAttachSource(manager.feed(id, fromSeq: fromSeq, acrossTurns: acrossTurns)).batches
    }

    func lastSeq(_ id: RunID) async throws -> Int64 {
        try await runState(id).lastSeq
    }

    func daemonStatus() async -> BackendStatus {
        let connections: [JSONValue] = await upstream.status().map { connection in
            [
                "id": .number(Double(connection.id)),
                "state": .string("\(connection.state)"),
                "age_s": connection.age.map { .number(($0 / .milliseconds(1)).rounded() / 1000) } ?? .null,
                "lanes_in_use": .number(Double(connection.lanesInUse)),
                "responses_in_flight": .number(Double(connection.responsesInFlight)),
                "responses_served": .number(Double(connection.responsesServed)),
                "reconnects": .number(Double(connection.reconnects)),
                "last_error": connection.lastError.map { .string($0) } ?? .null,
            ]
        }
        let queue = await upstream.queueStats()
        let transport = await upstream.transportStatus()
        // Runs held back by the upstream (rate limits, server errors): what `agentctl status` shows as "retrying".
        let waits: [JSONValue] = await manager.retryWaits().map { id, wait in
            [
                "run_id": .string(id.rawValue), "code": wait.code.map { .string($0) } ?? .null,
                "delay_ms": .number(Double(wait.delayMillis)), "since_ms": wait.sinceMillis.map { .number(Double($0)) } ?? .null,
                "server_asked": .bool(wait.serverAsked), "attempt": .number(Double(wait.attempt)),
            ]
        }
        let status: JSONValue = [
            "transport": .string(transport.active),
            "transport_reason": transport.reason.map { .string($0) } ?? .null,
            "connections": .array(connections),
            "retry_waits": .array(waits),
            "queue": [
                "waiting": .number(Double(queue.waiting)),
                "leases_granted": .number(Double(queue.leasesGranted)),
                "leases_queued": .number(Double(queue.leasesQueued)),
                "max_wait_ms": .number(queue.maxWait / .milliseconds(1)),
            ],
        ]
        let tools = live.map { live in
            let executor = live.tools
            return DaemonStatus.Tools(
                containment: executor.containment.rawValue, sandbox: executor.limits.sandbox == nil ? "none" : "bwrap",
                sandboxUnavailable: sandboxUnavailable, orphansReaped: ChildReaper.shared.reapedCount)
        }
        return BackendStatus(
            stateDir: stateDirectory, runsActive: await manager.activeRunCount, upstream: status, tools: tools)
    }

    func recordCommand(_ record: CommandRecord) async {
        try? await ledger.recordCommand(record)
    }

    /// Maps engine and ledger errors to wire errors (the one place this happens).
    func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as EngineError {
            switch error.code {
            case .runNotFound: throw ControlError(code: .runNotFound, message: error.message)
            case .invalidRequest: throw ControlError(code: .invalidParams, message: error.message)
            case .ledgerUnavailable: throw ControlError.ledgerUnavailable(error.message)
            case .shuttingDown: throw ControlError.overloaded(error.message)
            }
        } catch let error as LedgerFailure {
            throw ControlError.ledgerUnavailable(error.description)
        }
    }
}
