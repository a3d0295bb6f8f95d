import AgentModel
import GRDB

/// The append-only SQLite ledger: every run event and control command, committed in order by one writer.
///
/// Writes go through a group-commit queue (one transaction per batch, see ``append(_:)``); reads use separate
/// WAL reader connections and see committed data only, without waiting for the writer's fsync.
public final class Ledger: EventStore, Sendable {
    /// The ledger file.
    public let path: String
    /// The durability level of each commit.
    public let sync: LedgerSync

    /// How the file's integrity was established at open (skipped only after a verified clean close, or after a
    /// process exit in the same boot without an I/O error).
    public let openCheck: LedgerIntegrityCheck

    let pool: DatabasePool
    let writer: GroupCommitWriter
    /// The process-session marker kept while the ledger is open and healthy, if any.
    let session: LedgerSessionMarker?

    /// Opens the ledger at `path`, creating the file and its schema if needed.
    ///
    /// - Parameters:
    ///   - path: The SQLite file; its directory must exist.
    ///   - sync: How hard each commit is flushed (`.full` survives power loss).
    ///   - sessionMarkerDirectory: A private runtime directory (tmpfs, emptied at boot) for the
    ///     ``LedgerSessionMarker`` that lets an open after a process crash in the same boot skip `quick_check`;
    ///     nil keeps no marker (every open without a clean-close marker runs the full check).
    ///   - observer: Called on the writer thread with each batch of events right after it commits, in commit
    ///     order; never with uncommitted events. Keep it cheap and never call ``close()`` from it.
    /// - Throws: ``LedgerOpenError`` when the file cannot be opened, is damaged, or was written by a newer agentd.
    public convenience init(
        path: String, sync: LedgerSync = .full, sessionMarkerDirectory: String? = nil,
        observer: (@Sendable ([LedgerEvent]) -> Void)? = nil
    ) throws {
        try self.init(
            path: path, sync: sync, observer: observer, checkpointThreshold: WALCheckpointer.defaultThreshold,
            checkpointHardLimit: WALCheckpointer.defaultHardLimit, sessionMarkerDirectory: sessionMarkerDirectory)
    }

    /// ``init(path:sync:sessionMarkerDirectory:observer:)`` with the WAL sizes (in pages) that start a background
    /// and an inline checkpoint, and the boot id the session marker records (tests pass another boot's).
    init(
        path: String, sync: LedgerSync, observer: (@Sendable ([LedgerEvent]) -> Void)?,
        checkpointThreshold: Int32, checkpointHardLimit: Int32, sessionMarkerDirectory: String? = nil,
        bootID: String? = LedgerSessionMarker.currentBootID()
    ) throws {
        self.path = path
        self.sync = sync
        let session = sessionMarkerDirectory.map {
            LedgerSessionMarker(ledgerPath: path, directory: $0, bootID: bootID)
        }
        self.session = session
        (pool, openCheck) = try LedgerOpener(path: path, sync: sync, session: session).openDatabase()
        let writer = GroupCommitWriter(
            pool: pool, path: path, observer: observer.map(Self.droppingBlobs), session: session)
        self.writer = writer
        do {
            let checkpointer = try WALCheckpointer(
                path: path, threshold: checkpointThreshold, hardLimit: checkpointHardLimit
            ) { [weak writer] error in
                // Only an I/O error poisons; a checkpoint refused by a full or read-only disk is tried again later.
                let failure = LedgerFailure.from(error, path: path)
                if failure.code == .ioError { writer?.poison(failure) }
            }
            let pageSize = try pool.writeWithoutTransaction { db in
                try checkpointer.install(on: db)
                return try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
            }
            writer.walPageSize = pageSize
            writer.checkpointer = checkpointer
        } catch {
            try? pool.close()
            throw LedgerOpenError(code: .cannotOpen, path: path, message: "cannot open the checkpoint connection: \(error)")
        }
        // Checked and migrated, nothing appended yet: from here a process crash needs no full check.
        session?.write()
    }

    /// Removes the session marker so the next open runs the full `quick_check`: for a caller about to exit
    /// because of an I/O error the ledger itself did not see (a failed read, for instance).
    public func requireFullCheckAtNextOpen() {
        session?.remove()
    }

    /// The I/O error that stopped the ledger taking writes, or nil while it is healthy.
    public var failure: LedgerFailure? { writer.failure }

    /// Events handed to ``append(_:)`` or ``enqueue(_:)`` and not yet taken into a commit (they stop counting before
    /// the `append` that carried them returns).
    public var queuedEventCount: Int { writer.queuedEventCount }

    /// Commits `events` after everything queued before, and returns once they are durable.
    ///
    /// The call cannot be cancelled once queued: it returns when its batch has committed or failed.
    /// - Throws: ``LedgerFailure``: `.rejected` (e.g. a duplicate `(run, seq)`; other writes of the batch still
    ///   commit), `.diskFull` (nothing of the batch committed; later appends may succeed), `.ioError` (the ledger
    ///   is now poisoned), `.unavailable` (closed or poisoned earlier). Also thrown when events of the same run
    ///   passed to ``enqueue(_:)`` before could not be committed; `events` are then not written.
    public nonisolated(nonsending) func append(_ events: [LedgerEvent]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            writer.submit(PendingWrite(content: .events(events), waiter: continuation))
        }
    }

    /// Queues `events` for the next group commit and returns at once.
    ///
    /// A failure is reported by the run's next ``append(_:)``; after close or poisoning the events are dropped
    /// (and the next `append` throws `.unavailable`).
    public func enqueue(_ events: [LedgerEvent]) {
        guard !events.isEmpty else { return }
        writer.submit(PendingWrite(content: .events(events), waiter: nil))
    }

    /// Forgets that queued events of `run` failed to commit, so its next `append` is not failed for them: the
    /// caller already learned the ledger failed (the run paused) and rebuilds the run from what was committed.
    public func forgetDeferredFailures(of run: RunID) async {
        await writer.forgetUnreported(run)
    }

    /// Appends `command` to the command log through the same group commit and returns once it is durable.
    ///
    /// - Throws: ``LedgerFailure`` as ``append(_:)`` does.
    public func recordCommand(_ command: CommandRecord) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            writer.submit(PendingWrite(content: .command(command), waiter: continuation))
        }
    }

    /// Waits for every queued write to commit or fail, refuses new writes, and closes the database.
    ///
    /// After a healthy close (no I/O error in this session, WAL checkpointed to empty, the file fsynced) it leaves
    /// the clean-close marker that lets the next open skip the full check. Its cost is bounded by the WAL (at most
    /// ``WALCheckpointer/defaultHardLimit`` pages), never by the ledger's size: it reads no page the session did not
    /// write. Must not be called from the observer. Later calls do nothing.
    public func close() {
        guard !writer.closed else { return }
        writer.close()
        if let checkpointer = writer.checkpointer {
            checkpointer.stop()
            try? pool.writeWithoutTransaction { db in checkpointer.uninstall(from: db) }
        }
        // The clean-close marker takes over; if close fails on the way, the next open runs the full check.
        session?.remove()
        var closedClean = false
        if writer.failure == nil {
            // Move the WAL into the main file now: the pool closes its writer before its (read-only) readers, and a
            // read-only connection closing last cannot checkpoint. Never write again after an I/O error.
            closedClean = (try? pool.writeWithoutTransaction { db in try Self.checkpointWholeWAL(db) }) ?? false
        }
        do {
            try pool.close()
        } catch {
            closedClean = false
        }
        if closedClean { CleanShutdownMarker(ledgerPath: path).write() }
    }

    /// Checkpoints the whole WAL and truncates it; true when every frame reached the main file.
    ///
    /// No `quick_check` here: it reads the whole file (a 4.9 GB ledger kept SIGTERM busy for ~90 s, past
    /// systemd's `TimeoutStopSec`). A session that saw no I/O error and checkpointed everything leaves a file only
    /// SQLite wrote, which is the same trust a restart after a process crash places in it (see docs/ledger.md).
    private static func checkpointWholeWAL(_ db: Database) throws -> Bool {
        let checkpoint = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        // (busy, log frames, checkpointed frames): busy 0 means every frame reached the file and the WAL was reset.
        guard let checkpoint, checkpoint[0] as Int64? == 0 else { return false }
        return true
    }
}
