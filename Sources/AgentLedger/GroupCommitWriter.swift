import AgentModel
import Foundation
import GRDB

/// The ledger's single writer: a queue of pending writes drained by one serial loop, one transaction per batch.
///
/// Natural batching: while a commit (and its fsync) runs, new writes accumulate and go into the next transaction
/// together, so throughput grows with load while a lone `append` still commits at once.
///
/// Threading: `submit` may be called from any thread. Everything else runs on `queue`, the only place the
/// writer connection of `pool` is used. State shared between the two is guarded by `condition`.
final class GroupCommitWriter: @unchecked Sendable {
    /// The most rows one transaction takes (a single larger write still goes in one transaction).
    static let maxBatchRows = 4096

    /// How long writes nobody waits for (streamed deltas) may linger before they commit, so that they share a
    /// transaction with the durable write that usually follows them. A write somebody waits for ends the
    /// linger at once, so it never waits for this.
    private let linger: TimeInterval

    let pool: DatabasePool
    let path: String
    let observer: (@Sendable ([LedgerEvent]) -> Void)?
    /// Removed at the first I/O error, so the next open re-verifies the file.
    let session: LedgerSessionMarker?
    let queue = DispatchQueue(label: "agentd.ledger.writer", qos: .userInitiated)

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var pending: [PendingWrite] = []
    private var queuedEvents = 0
    private var draining = false
    /// Set on close or poisoning: every new write fails with it.
    private var refusal: LedgerFailure?
    /// The I/O error that poisoned the ledger.
    private var poisonCause: LedgerFailure?
    private var isClosed = false
    private var injectedFaults: [Int32] = []

    /// Set once by the ledger right after init; moves the WAL into the main file off the commit path.
    var checkpointer: WALCheckpointer?

    // Owned by `queue`.
    /// Writes taken from `pending` and not yet processed, from `backlogHead` on.
    private var backlog: [PendingWrite] = []
    private var backlogHead = 0
    /// Runs whose `enqueue`d events failed and whose next `append` has not been told yet.
    private var unreported: [RunID: LedgerFailure] = [:]
    /// Size of the WAL file with the zeros written ahead of its frames (-1: preallocation gave up).
    private var walPreallocatedBytes: Int64 = 0
    /// The database's page size, for WAL frame sizes.
    var walPageSize: Int64 = 4096

    init(
        pool: DatabasePool, path: String, observer: (@Sendable ([LedgerEvent]) -> Void)?,
        session: LedgerSessionMarker? = nil, linger: TimeInterval = 0.002
    ) {
        self.linger = linger
        self.pool = pool
        self.path = path
        self.observer = observer
        self.session = session
    }

    /// The I/O error that poisoned the ledger, if any.
    var failure: LedgerFailure? {
        condition.withLock { poisonCause }
    }

    /// Whether ``close()`` was called.
    var closed: Bool {
        condition.withLock { isClosed }
    }

    /// Events submitted and not yet taken into a commit (a batch's events stop counting before its waiters resume).
    var queuedEventCount: Int {
        condition.withLock { queuedEvents }
    }

    /// Queues `write`; fails its waiter at once if the ledger is closed or poisoned.
    func submit(_ write: PendingWrite) {
        condition.lock()
        if let refusal {
            condition.unlock()
            write.fail(refusal)
            return
        }
        pending.append(write)
        queuedEvents += write.eventCount
        let kick = !draining
        draining = true
        if write.waiter != nil { condition.broadcast() }
        condition.unlock()
        if kick {
            queue.async { self.drain() }
        }
    }

    /// Refuses new writes, waits until everything queued before has been committed or failed, then returns.
    func close() {
        dispatchPrecondition(condition: .notOnQueue(queue))
        condition.lock()
        isClosed = true
        if refusal == nil { refusal = .closed(path: path) }
        while draining { condition.wait() }
        condition.unlock()
    }

    /// Marks the ledger poisoned by `cause`: nothing is written any more.
    ///
    /// Every path that makes an I/O error fatal comes here (failed commit, checkpoint or prune). The session
    /// marker goes first, on every call, before any waiter learns of the failure: a daemon that exits on it then
    /// restarts into the full `quick_check`, whichever thread poisoned first.
    func poison(_ cause: LedgerFailure) {
        session?.remove()
        condition.withLock {
            if poisonCause == nil { poisonCause = cause }
            refusal = .poisoned(by: poisonCause ?? cause)
        }
    }

    /// The failure for writes still queued when the ledger stopped, or nil while it writes.
    private var stopFailure: LedgerFailure? {
        condition.withLock { poisonCause.map { LedgerFailure.poisoned(by: $0) } }
    }

    /// Runs on `queue` until nothing is pending.
    private func drain() {
        while let batch = nextBatch() {
            // Counted out before any waiter of the batch resumes, so a returned `append` never sees its events
            // still counted as queued.
            let taken = batch.reduce(0) { $0 + $1.eventCount }
            condition.withLock { queuedEvents -= taken }
            if let stop = stopFailure {
                for write in batch { write.fail(stop) }
            } else {
                process(batch)
            }
        }
    }

    /// Takes the next batch (at most ``maxBatchRows`` rows, at least one write), or nil when idle.
    private func nextBatch() -> [PendingWrite]? {
        condition.lock()
        if linger > 0 && backlogHead == backlog.count && !pending.isEmpty {
            // Only streamed writes so far: give the durable write that follows a moment to join them.
            let deadline = Date(timeIntervalSinceNow: linger)
            while !isClosed && !pending.contains(where: { $0.waiter != nil }) && condition.wait(until: deadline) {}
        }
        if !pending.isEmpty {
            backlog.append(contentsOf: pending)
            pending.removeAll(keepingCapacity: true)
        }
        if backlogHead == backlog.count {
            backlog.removeAll(keepingCapacity: true)
            backlogHead = 0
            draining = false
            condition.broadcast()
            condition.unlock()
            return nil
        }
        condition.unlock()
        var rows = 0
        var end = backlogHead
        while end < backlog.count {
            let next = backlog[end].rowCount
            if end > backlogHead && rows + next > Self.maxBatchRows { break }
            rows += next
            end += 1
        }
        let batch = Array(backlog[backlogHead..<end])
        backlogHead = end
        if backlogHead > 65_536 && backlogHead * 2 > backlog.count {
            backlog.removeFirst(backlogHead)
            backlogHead = 0
        }
        return batch
    }

    /// Makes the next transaction fail with the SQLite result `code` (tests of the failure paths).
    /// Drops the deferred failure of `run` (see ``Ledger/forgetDeferredFailures(of:)``), on the writer's queue.
    func forgetUnreported(_ run: RunID) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.async {
                self.unreported[run] = nil
                done.resume()
            }
        }
    }

    func injectFault(_ code: Int32) {
        condition.withLock { injectedFaults.append(code) }
    }

    /// The next injected fault, if any.
    func takeInjectedFault() -> Int32? {
        condition.withLock { injectedFaults.isEmpty ? nil : injectedFaults.removeFirst() }
    }
}

// MARK: - Commit

extension GroupCommitWriter {
    /// Commits `batch` in one transaction; on a constraint error, retries it in smaller groups so only the
    /// offending writes fail.
    func process(_ batch: [PendingWrite]) {
        commitOrSplit(batch)
    }

    /// Commits `writes` together, or splits them after a constraint error: first by run, then one write at a time.
    private func commitOrSplit(_ writes: [PendingWrite]) {
        if let cause = failure {
            for write in writes { write.fail(.poisoned(by: cause)) }
            return
        }
        let writes = failAppendsAfterUnreportedFailures(writes)
        guard !writes.isEmpty else { return }
        do {
            try commit(writes)
        } catch {
            let failure = LedgerFailure.from(withSystemErrno(error), path: path)
            switch failure.code {
            case .rejected where writes.count > 1:
                for group in split(writes) { commitOrSplit(group) }
            case .ioError:
                // Never retry after a failed write or fsync: the file's state is unknown (the PostgreSQL lesson).
                poison(failure)
                fail(writes, failure)
            default:
                fail(writes, failure)
            }
            return
        }
        let events = writes.flatMap(\.events)
        if let observer, !events.isEmpty { observer(events) }
        for write in writes { write.succeed() }
        checkpointIfWALTooLarge()
        preallocateWALIfNeeded()
    }

    /// Keeps zeros ahead of the WAL's last frame (see ``WALPreallocation``), up to the size a background
    /// checkpoint lets it reach, so the next commits overwrite blocks instead of growing the file.
    private func preallocateWALIfNeeded() {
        guard let checkpointer, walPreallocatedBytes >= 0 else { return }
        let frames = Int64(checkpointer.walFrames)
        let pageSize = walPageSize
        // Never more than the WAL can hold: a background checkpoint restarts it past `threshold` (twice that
        // leaves room while it runs), an inline one at `hardLimit`.
        let capFrames = min(Int64(checkpointer.threshold) * 2, Int64(checkpointer.hardLimit))
        let cap = WALPreallocation.walBytes(frames: capFrames, pageSize: pageSize)
        let wanted = WALPreallocation.walBytes(frames: frames + WALPreallocation.chunkFrames / 2, pageSize: pageSize)
        guard wanted > walPreallocatedBytes, walPreallocatedBytes < cap else { return }
        let target = min(cap, WALPreallocation.walBytes(frames: frames + WALPreallocation.chunkFrames, pageSize: pageSize))
        // -1 stops further attempts once the file cannot be read (the extension is only an optimisation).
        walPreallocatedBytes = WALPreallocation.fill(path + "-wal", to: target) ?? -1
    }

    /// Checkpoints inline when background checkpoints could not keep the WAL under its hard limit.
    private func checkpointIfWALTooLarge() {
        guard let checkpointer, checkpointer.needsInlineCheckpoint else { return }
        checkpointer.needsInlineCheckpoint = false
        do {
            try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.restart) }
            checkpointer.noteInlineCheckpoint()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            // A reader or the background checkpoint is in the way; the next commit tries again.
        } catch {
            // A checkpoint refused by a full or read-only file system changed nothing: the next commit tries again.
            let failure = LedgerFailure.from(withSystemErrno(error), path: path)
            if failure.code == .ioError { poison(failure) }
        }
    }

    /// One transaction inserting every row of `writes`, in order.
    private func commit(_ writes: [PendingWrite]) throws {
        try pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                if let code = takeInjectedFault() {
                    throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "injected fault")
                }
                let inserter = try EventInserter(db)
                var requestInserter: ControlRequestInserter?
                let insertCommand = try db.cachedStatement(
                    sql: """
                        INSERT INTO commands (ts_ms, method, params, client_name, peer_uid, peer_pid)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """
                )
                for write in writes {
                    switch write.content {
                    case .events(let events):
                        for event in events { try inserter.insert(event) }
                    case .command(let command):
                        insertCommand.setUncheckedArguments([
                            command.timestampMillis, command.method, command.params, command.clientName,
                            command.peerUID.map { Int64($0) }, command.peerPID.map { Int64($0) },
                        ])
                        try insertCommand.execute()
                    case .request(let record, let events):
                        for event in events { try inserter.insert(event) }
                        if requestInserter == nil { requestInserter = try ControlRequestInserter(db) }
                        try requestInserter?.insert(record)
                    }
                }
                return .commit
            }
        }
    }

    /// Groups of `writes` to retry separately: one per run (commands together) when every write touches at
    /// most one run, otherwise one write per group. Order within a run is kept.
    private func split(_ writes: [PendingWrite]) -> [[PendingWrite]] {
        var keys: [RunID?] = []
        var groups: [RunID?: [PendingWrite]] = [:]
        for write in writes {
            let runs = write.runs
            guard runs.count <= 1 else { return writes.map { [$0] } }
            let key = runs.first
            if groups[key] == nil { keys.append(key) }
            groups[key, default: []].append(write)
        }
        if keys.count > 1 { return keys.map { groups[$0] ?? [] } }
        return writes.map { [$0] }
    }

    /// Fails `writes` with `failure`; runs of failed `enqueue`s are remembered so their next `append` fails too.
    private func fail(_ writes: [PendingWrite], _ failure: LedgerFailure) {
        for write in writes {
            if write.waiter != nil {
                for run in write.runs { unreported[run] = nil }
                write.fail(failure)
            } else {
                for run in write.runs where unreported[run] == nil {
                    unreported[run] = LedgerFailure(
                        code: failure.code,
                        message: "events of \(run) queued earlier were not committed: \(failure.message)"
                    )
                }
            }
        }
    }

    /// Fails, without writing, each write whose run has `enqueue`d events that failed; returns the writes still to
    /// commit.
    ///
    /// An `append` fails with the earlier failure (the protocol promises the next `append` reports it). A later
    /// `enqueue` of that run is dropped too, and the failure stays for the `append`: committing it would leave a
    /// hole in the run's sequence numbers (a full disk that frees a few pages between batches), which a reader, a
    /// client and `agentd --replay` of an export would all see. The run rebuilds from what was committed.
    private func failAppendsAfterUnreportedFailures(_ writes: [PendingWrite]) -> [PendingWrite] {
        guard !unreported.isEmpty else { return writes }
        return writes.filter { write in
            let runs = write.runs
            guard let failure = runs.lazy.compactMap({ self.unreported[$0] }).first else { return true }
            guard write.waiter != nil else {
                for run in runs where unreported[run] == nil { unreported[run] = failure }
                return false
            }
            for run in runs { unreported[run] = nil }
            write.fail(failure)
            return false
        }
    }
}

// MARK: - SystemErrno

extension GroupCommitWriter {
    /// `error` with the errno that explains it when the ledger's files may not be written (see
    /// ``SQLiteSystemError``).
    func withSystemErrno(_ error: any Error) -> any Error {
        SQLiteSystemError.wrapping(error, ledgerPath: path)
    }
}
