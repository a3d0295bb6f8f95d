/// Durable, append-only storage of run events (implemented by `AgentLedger`).
public protocol EventStore: Sendable {
    /// Commits `events` and returns once they are durable; everything enqueued before is committed too.
    ///
    /// Runs on the caller's executor until it has queued the events (`nonisolated(nonsending)`), so an actor
    /// that appends and enqueues keeps its events in the order it created them.
    ///
    /// - Throws: ``LedgerFailure`` when the ledger cannot commit; the events are then not acknowledged.
    nonisolated(nonsending) func append(_ events: [LedgerEvent]) async throws

    /// Commits `events` and the idempotency record `request` in one transaction: both or neither.
    ///
    /// - Throws: ``LedgerFailure`` as ``append(_:)`` does; `.rejected` when `request`'s key is already recorded
    ///   (nothing of the call is committed then).
    nonisolated(nonsending) func append(_ events: [LedgerEvent], recording request: ControlRequestRecord)
        async throws

    /// Queues `events` for the next group commit and returns at once (for streamed deltas).
    ///
    /// A later ``append(_:)`` returns only after these are committed, and fails if they could not be.
    func enqueue(_ events: [LedgerEvent])

    /// Committed events of `run` with `seq >= fromSeq`, in order, at most `limit`.
    func events(of run: RunID, fromSeq: Int64, limit: Int) async throws -> [LedgerEvent]

    /// Summaries of runs, newest first, at most `limit`, optionally only those created before `beforeID`.
    func runSummaries(limit: Int, before beforeID: RunID?) async throws -> [RunSummary]

    /// Runs whose last lifecycle event is not terminal (found by index, not by replay).
    func unfinishedRuns() async throws -> [RunID]

    /// Records a control command (any method, any client) in the command log.
    func recordCommand(_ command: CommandRecord) async throws

    /// Forgets that queued events of `run` failed to commit (the caller saw the failure and rebuilds the run from
    /// what was committed), so the run's next ``append(_:)`` is not failed for them.
    func forgetDeferredFailures(of run: RunID) async
}

extension EventStore {
    /// Stores without deferred failures have nothing to forget.
    public func forgetDeferredFailures(of run: RunID) async {}
}

/// A run as listed, derived from its lifecycle events only.
public struct RunSummary: Codable, Hashable, Sendable {
    public var id: RunID
    public var status: RunStatus
    public var model: String
    public var prompt: String
    public var createdAtMillis: Int64
    public var updatedAtMillis: Int64
    /// The number of turns, counted from `run.started`, `turn.started` and `run.forked`.
    public var turns: Int? = nil
    /// The prompt of the last turn.
    public var lastPrompt: String? = nil

    public init(id: RunID, status: RunStatus, model: String, prompt: String, createdAtMillis: Int64, updatedAtMillis: Int64) {
        self.id = id
        self.status = status
        self.model = model
        self.prompt = prompt
        self.createdAtMillis = createdAtMillis
        self.updatedAtMillis = updatedAtMillis
    }

    enum CodingKeys: String, CodingKey {
        case id, status, model, prompt, turns
        case createdAtMillis = "created_at_ms"
        case updatedAtMillis = "updated_at_ms"
        case lastPrompt = "last_prompt"
    }
}

/// One control command as received, for the audit log.
public struct CommandRecord: Codable, Hashable, Sendable {
    public var timestampMillis: Int64
    public var method: String
    /// The request's params as JSON text.
    public var params: String
    public var clientName: String?
    public var peerUID: UInt32?
    public var peerPID: Int32?

    public init(
        timestampMillis: Int64, method: String, params: String, clientName: String?, peerUID: UInt32?, peerPID: Int32?
    ) {
        self.timestampMillis = timestampMillis
        self.method = method
        self.params = params
        self.clientName = clientName
        self.peerUID = peerUID
        self.peerPID = peerPID
    }
}

/// Why the ledger refused or failed a write.
public struct LedgerFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// Machine-readable reason.
    public enum Code: String, Sendable {
        /// The disk is full; nothing was committed. Retryable once space is freed.
        case diskFull = "disk_full"
        /// The ledger's file system is read-only or agentd may not write the file (EROFS, EACCES, EPERM); nothing
        /// was committed. Retryable once it is writable again.
        case notWritable = "not_writable"
        /// An I/O or fsync error; the daemon must stop taking work (never retry a failed fsync).
        case ioError = "io_error"
        /// The ledger refused the event (duplicate sequence number, append-only violation).
        case rejected
        /// The ledger is closed or failed earlier.
        case unavailable
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
