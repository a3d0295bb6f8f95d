import AgentModel
import GRDB

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
