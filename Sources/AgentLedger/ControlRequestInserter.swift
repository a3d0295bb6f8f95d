import AgentModel
import GRDB

/// Inserts idempotency records on the writer connection, inside the batch's transaction.
///
/// A plain INSERT: a second record for the same (uid, request id) violates the UNIQUE constraint, so the write
/// carrying it (and the events committed with it) is refused instead of applying a request twice.
struct ControlRequestInserter {
    private let statement: Statement

    /// Prepares the insert on `db` (the writer connection).
    init(_ db: Database) throws {
        statement = try db.cachedStatement(
            sql: """
                INSERT INTO control_requests (peer_uid, request_id, method, params_hash, result, created_ms)
                VALUES (?, ?, ?, ?, ?, ?)
                """
        )
    }

    /// Inserts `record`.
    ///
    /// - Throws: `DatabaseError` (a constraint violation when the key is already recorded, SQLITE_FULL, I/O, …).
    func insert(_ record: ControlRequestRecord) throws {
        statement.setUncheckedArguments([
            Int64(record.uid), record.requestID, record.method, record.paramsHash, record.result,
            record.createdAtMillis,
        ])
        try statement.execute()
    }
}
