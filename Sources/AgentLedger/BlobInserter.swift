import AgentModel
import Foundation
import GRDB

/// Inserts blobs on the writer connection, inside the transaction of the event that references them.
///
/// `INSERT OR IGNORE`: the key is the content's hash, so a blob already stored is the same bytes and is kept.
/// Blobs are rare (only tool output the model saw cut), so GRDB's copying bind is fine here, unlike the
/// per-event hot path of ``EventInserter``.
struct BlobInserter {
    private let statement: Statement

    /// Prepares the insert on `db` (the writer connection, inside the batch's transaction).
    init(_ db: Database) throws {
        statement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO blobs (sha256, size, bytes) VALUES (?, ?, ?)")
    }

    /// Inserts `blob` unless a blob with its hash is stored.
    ///
    /// - Throws: `DatabaseError` with SQLite's result code.
    func insert(_ blob: LedgerBlob) throws {
        statement.setUncheckedArguments([blob.sha256, Int64(blob.bytes.count), Data(blob.bytes)])
        try statement.execute()
    }
}
