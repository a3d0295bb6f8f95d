import AgentControl
import AgentEngine
import AgentEngineControl
import AgentModel
import AgentProtocol

/// The control-server backend of the fan-out benchmark: starts, reads and attaches to runs of a real
/// ``RunManager``, attaching through the same ``RunFeedAttachSource`` as the daemon's `EngineControlBackend`;
/// every other method answers "not served by the benchmark".
struct BenchControlBackend: ControlBackend {
    let manager: RunManager

    func startRun(_ params: RunStart.Params, client: ClientIdentity) async throws -> RunState {
        try await manager.start(StartRunRequest(prompt: params.prompt ?? "", model: params.model, cwd: params.cwd ?? "/"))
    }

    func runState(_ id: RunID) async throws -> RunState {
        try await manager.state(of: id)
    }

    func attach(_ id: RunID, fromSeq: Int64) async throws -> AsyncStream<AttachItem> {
        _ = try await runState(id)
        return RunFeedAttachSource(manager.feed(id, fromSeq: fromSeq)).items
    }

    func attachBatches(_ id: RunID, fromSeq: Int64) async throws -> AttachBatches {
        _ = try await runState(id)
        return RunFeedAttachSource(manager.feed(id, fromSeq: fromSeq)).batches
    }

    func lastSeq(_ id: RunID) async throws -> Int64 {
        try await runState(id).lastSeq
    }

    func listRuns(limit: Int, before: RunID?) async throws -> [RunSummary] { throw Self.notServed("run/list") }

    func addInput(_ id: RunID, text: String, inputID: String, client: ClientIdentity) async throws -> InputOutcome {
        throw Self.notServed("run/input")
    }

    func cancelRun(_ id: RunID, mode: RunCancel.Mode, reason: String, client: ClientIdentity) async throws
        -> RunState
    {
        throw Self.notServed("run/cancel")
    }

    func resumeRun(_ id: RunID, client: ClientIdentity) async throws -> RunState { throw Self.notServed("run/resume") }

    func pendingApprovals(_ run: RunID?) async throws -> [ApprovalInfo] { throw Self.notServed("approval/list") }

    func toolOutput(_ id: RunID, callID: String, stream: ToolOutput.Stream) async throws -> StoredToolOutput {
        throw Self.notServed("tool/output")
    }

    func resolveApproval(_ params: ApprovalResolve.Params, client: ClientIdentity) async throws
        -> ApprovalResolve.Result
    {
        throw Self.notServed("approval/resolve")
    }

    func daemonStatus() async -> BackendStatus {
        BackendStatus(stateDir: "", runsActive: await manager.activeRunCount, upstream: nil)
    }

    func metricsText(connectedClients: Int) async -> String { "" }

    func recordCommand(_ record: CommandRecord) async {}

    private static func notServed(_ method: String) -> ControlError {
        ControlError.invalidRequest("\(method) is not served by the fan-out benchmark")
    }
}
