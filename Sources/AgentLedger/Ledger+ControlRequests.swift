import AgentModel
import GRDB

extension Ledger: ControlRequestStore {
    /// The idempotency record of (`uid`, `requestID`), whatever its age, or nil.
    ///
    /// - Throws: ``LedgerFailure`` when the ledger is closed or the read fails.
    public func controlRequest(uid: UInt32, requestID: String) async throws -> ControlRequestRecord? {
        try await read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT method, params_hash, result, created_ms FROM control_requests
                    WHERE peer_uid = ? AND request_id = ?
                    """,
                arguments: [Int64(uid), requestID])
            guard let row else { return nil }
            return ControlRequestRecord(
                uid: uid, requestID: requestID, method: row[0], paramsHash: row[1], result: row[2],
                createdAtMillis: row[3])
        }
    }

    /// Commits `record` through the group commit (after everything queued before) and returns once it is durable.
    ///
    /// - Throws: ``LedgerFailure`` `.rejected` when the key is already recorded, or as ``append(_:)`` does.
    public func recordControlRequest(_ record: ControlRequestRecord) async throws {
        try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<Void, any Error>) in
            writer.submit(PendingWrite(content: .request(record, events: []), waiter: continuation))
        }
    }

    /// Commits `events` and `request` in one transaction (both or neither) and returns once they are durable.
    ///
    /// - Throws: ``LedgerFailure`` `.rejected` when the key is already recorded or an event is refused (nothing
    ///   of the call is committed then), or as ``append(_:)`` does.
    public nonisolated(nonsending) func append(
        _ events: [LedgerEvent], recording request: ControlRequestRecord
    )
        async throws
    {
        try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<Void, any Error>) in
            writer.submit(PendingWrite(content: .request(request, events: events), waiter: continuation))
        }
    }

    /// Deletes idempotency records created before `millis`; returns how many were deleted.
    ///
    /// Runs on the pool's single writer connection (serialised with the group commit by GRDB). An I/O error
    /// poisons the ledger as a failed commit does.
    /// - Throws: ``LedgerFailure`` when the ledger is closed, poisoned, or the delete fails.
    @discardableResult
    public func pruneControlRequests(createdBefore millis: Int64) async throws -> Int {
        guard !writer.closed else { throw LedgerFailure.closed(path: path) }
        if let cause = writer.failure { throw LedgerFailure.poisoned(by: cause) }
        do {
            return try await pool.write { db in
                try db.execute(
                    sql: "DELETE FROM control_requests WHERE created_ms < ?", arguments: [millis])
                return db.changesCount
            }
        } catch {
            let failure = LedgerFailure.from(error, path: path)
            if failure.code == .ioError { writer.poison(failure) }
            throw failure
        }
    }
}
