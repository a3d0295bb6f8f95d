import AgentModel
import GRDB
import GRDBSQLite

/// Inserts blobs on the writer connection, inside the transaction of the event that references them.
///
/// `INSERT OR IGNORE`: the key is the content's hash, so a blob already stored is the same bytes and is kept.
/// The bytes are bound in place (`SQLITE_STATIC`), as ``EventInserter`` binds text.
struct BlobInserter {
    private let db: Database
    private let statement: SQLiteStatement

    /// Prepares the insert on `db` (the writer connection, inside the batch's transaction).
    init(_ db: Database) throws {
        self.db = db
        statement = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO blobs (sha256, size, bytes) VALUES (?, ?, ?)"
        ).sqliteStatement
    }

    /// Inserts `blob` unless a blob with its hash is stored.
    ///
    /// - Throws: `DatabaseError` with SQLite's result code.
    func insert(_ blob: LedgerBlob) throws {
        var key = blob.sha256
        let code = key.withUTF8 { keyBytes in
            blob.bytes.withUnsafeBytes { bytes in
                keyBytes.withMemoryRebound(to: CChar.self) { text in
                    _ = sqlite3_bind_text(statement, 1, text.baseAddress, Int32(text.count), nil)
                }
                sqlite3_bind_int64(statement, 2, Int64(bytes.count))
                if let base = bytes.baseAddress, bytes.count > 0 {
                    _ = sqlite3_bind_blob64(statement, 3, base, sqlite3_uint64(bytes.count), nil)
                } else {
                    // An empty blob, not NULL (which NOT NULL refuses).
                    _ = sqlite3_bind_zeroblob(statement, 3, 0)
                }
                let code = sqlite3_step(statement)
                sqlite3_reset(statement)
                sqlite3_clear_bindings(statement)
                return code
            }
        }
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage, sql: "INSERT INTO blobs …")
        }
    }
}
