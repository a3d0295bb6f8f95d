import AgentModel
import AgentProtocol

/// What the control server needs from the daemon; the daemon executable makes the engine conform.
///
/// The server never imports the engine: everything it does goes through these calls.
public protocol ControlBackend: Sendable {
    /// Starts a run and returns its state once `run.started` is committed.
    func startRun(_ params: RunStart.Params, client: ClientIdentity) async throws -> RunState

    /// Starts a run like ``startRun(_:client:)``; with a `recorder`, commits `recorder.record(for:)` in the same
    /// transaction as `run.started`, so a crash cannot leave the run without its idempotency record.
    func startRun(_ params: RunStart.Params, client: ClientIdentity, recorder: IdempotencyRecorder?) async throws
        -> RunState

    /// The next user message of a conversation: a new turn, or input for the current one (see `run/prompt`).
    ///
    /// With a `recorder`, a prompt that opens a turn commits `recorder.record(for:)` with `turn.started`.
    /// - Throws: ``ControlError`` `runNotFound`, or `invalidParams` when the prompt cannot be taken.
    func promptRun(
        _ params: RunPrompt.Params, inputID: String, client: ClientIdentity, recorder: IdempotencyRecorder?
    ) async throws -> PromptResultState

    /// A new `idle` run holding `params.runID`'s conversation through a turn (see `run/fork`).
    ///
    /// With a `recorder`, the record commits in the same transaction as the fork's first events.
    /// - Throws: ``ControlError`` `runNotFound`, or `invalidParams` when the turn cannot be forked.
    func forkRun(_ params: RunFork.Params, client: ClientIdentity, recorder: IdempotencyRecorder?) async throws
        -> RunState

    /// Where idempotency records survive restarts (the ledger); nil keeps them in memory only.
    var requestStore: (any ControlRequestStore)? { get }

    /// The current state of `id`.
    ///
    /// - Throws: ``ControlError`` with code ``ControlError/Code/runNotFound`` when there is no such run.
    func runState(_ id: RunID) async throws -> RunState

    /// Run summaries, newest first, at most `limit`, only those created before `before` when given.
    func listRuns(limit: Int, before: RunID?) async throws -> [RunSummary]

    /// The committed events of `id` from `fromSeq`, then live ones, in seq order without gaps or duplicates.
    ///
    /// The stream must never block the run: yield with an unbounded (or generously bounded) buffer; the server
    /// consumes it promptly and cuts off slow clients itself. The stream ends with
    /// ``AttachItem/ended(reason:nextSeq:)`` or simply finishes when the run ended. When the server stops
    /// iterating (detach, slow consumer, shutdown) the stream's `onTermination` fires: release the subscriber there.
    ///
    /// - Throws: ``ControlError`` `runNotFound` when there is no such run.
    func attach(_ id: RunID, fromSeq: Int64) async throws -> AsyncStream<AttachItem>

    /// ``attach(_:fromSeq:)`` in batches: each element holds every item that was ready at once (never empty), so
    /// the server pays one hand-off per commit batch rather than per event, pulled by the connection itself.
    /// The default adapts `attach`.
    ///
    /// - Throws: ``ControlError`` `runNotFound` when there is no such run.
    func attachBatches(_ id: RunID, fromSeq: Int64) async throws -> AttachBatches

    /// ``attachBatches(_:fromSeq:)``; with `acrossTurns` the feed follows the conversation across turns: it never
    /// ends with `run_ended` or `run_not_active` but waits for the next turn (the default ignores the flag).
    ///
    /// - Throws: ``ControlError`` `runNotFound` when there is no such run.
    func attachBatches(_ id: RunID, fromSeq: Int64, acrossTurns: Bool) async throws -> AttachBatches

    /// The seq of the last committed event of `id` (-1 when it has none), for `from_end` and `last`.
    func lastSeq(_ id: RunID) async throws -> Int64

    /// Records user input for an active run; it goes into the run's next request.
    ///
    /// - Returns: the run's state and whether the input was recorded (`false` when the run already had `inputID`).
    /// - Throws: ``ControlError`` `runNotFound`, or `invalidParams` when the run is not active.
    func addInput(_ id: RunID, text: String, inputID: String, client: ClientIdentity) async throws -> InputOutcome

    /// Stops a run (`now` or `afterTool`) and returns its state right after the request was taken.
    ///
    /// - Throws: ``ControlError`` `runNotFound`, or `invalidParams` when the run already ended.
    func cancelRun(_ id: RunID, mode: RunCancel.Mode, reason: String, client: ClientIdentity) async throws
        -> RunState

    /// Continues an interrupted or failed run from its ledger.
    ///
    /// - Throws: ``ControlError`` `runNotFound`, or `invalidParams` when the run completed or was cancelled.
    func resumeRun(_ id: RunID, client: ClientIdentity) async throws -> RunState

    /// Calls waiting for a decision: of `run`, or of every active run when `nil`.
    ///
    /// - Throws: ``ControlError`` `runNotFound` when `run` does not exist.
    func pendingApprovals(_ run: RunID?) async throws -> [ApprovalInfo]

    /// Records `client`'s decision on a waiting call; the first decision wins.
    ///
    /// - Throws: ``ControlError`` `approvalNotFound` when the run has no such call waiting (or decided), or
    ///   `runNotFound`.
    func resolveApproval(_ params: ApprovalResolve.Params, client: ClientIdentity) async throws
        -> ApprovalResolve.Result

    /// The whole of one stream of a finished tool call as the ledger keeps it (see ``ToolOutput``).
    ///
    /// - Throws: ``ControlError`` `runNotFound`, or `invalidParams` (`call_id`) when the run has no finished call
    ///   with that id.
    func toolOutput(_ id: RunID, callID: String, stream: ToolOutput.Stream) async throws -> StoredToolOutput

    /// The daemon-side part of `daemon/status`.
    func daemonStatus() async -> BackendStatus

    /// Every metric in the Prometheus text format, for `daemon/metrics`; `connectedClients` is the server's count.
    func metricsText(connectedClients: Int) async -> String

    /// Records one control request in the command log (every request, whatever its method).
    func recordCommand(_ record: CommandRecord) async
}

/// Who sent a request: the name the client gave in `initialize` and the uid/pid the kernel reported.
public struct ClientIdentity: Hashable, Sendable {
    public var name: String
    public var version: String
    public var uid: UInt32
    public var pid: Int32
    /// The peer's controlling terminal (`pts/3`), read from the kernel at `initialize`, when it has one.
    public var tty: String?

    public init(name: String, version: String, uid: UInt32, pid: Int32, tty: String? = nil) {
        self.name = name
        self.version = version
        self.uid = uid
        self.pid = pid
        self.tty = tty
    }
}

/// What became of a `run/prompt`: the run's state and the turn the text belongs to.
public struct PromptResultState: Sendable {
    public var state: RunState
    public var turn: Int

    public init(state: RunState, turn: Int) {
        self.state = state
        self.turn = turn
    }
}

/// What became of a `run/input`: the run's state and whether the input was recorded.
public struct InputOutcome: Sendable {
    public var state: RunState
    /// `false` when the run already had the input's id.
    public var applied: Bool

    public init(state: RunState, applied: Bool) {
        self.state = state
        self.applied = applied
    }
}

/// The part of `daemon/status` only the daemon knows.
public struct BackendStatus: Hashable, Sendable {
    public var stateDir: String
    public var runsActive: Int
    /// Connection pool status objects (an open JSON shape).
    public var upstream: JSONValue
    /// How tool processes are contained (`nil`: not reported).
    public var tools: DaemonStatus.Tools?

    public init(stateDir: String, runsActive: Int, upstream: JSONValue, tools: DaemonStatus.Tools? = nil) {
        self.stateDir = stateDir
        self.runsActive = runsActive
        self.upstream = upstream
        self.tools = tools
    }
}
