import AgentModel
import GRDB
import GRDBSQLite

/// Inserts events on the writer connection with SQLite's C API: the one hot loop of the ledger.
///
/// GRDB's statement API boxes every argument into an array of existentials and copies every string
/// (`SQLITE_TRANSIENT`); at 100,000 events/s that was a third of the writer's time. Here each string is bound
/// in place (`SQLITE_STATIC`: its UTF-8 bytes are valid for the duration of the step) and the statement is
/// prepared once per batch through GRDB's statement cache.
struct EventInserter {
    private static let empty: StaticString = ""
    private let db: Database
    private let statement: SQLiteStatement

    /// Prepares the insert on `db` (the writer connection, inside the batch's transaction).
    init(_ db: Database) throws {
        self.db = db
        statement = try db.cachedStatement(
            sql: "INSERT INTO events (run_id, seq, ts_ms, kind, type, payload) VALUES (?, ?, ?, ?, ?, ?)"
        ).sqliteStatement
    }

    /// Inserts one event, and first the blobs it references, in the caller's transaction: a failure of either
    /// rolls back both, so a committed event never points to a missing blob.
    ///
    /// - Throws: `DatabaseError` with SQLite's result code (a constraint, SQLITE_FULL, an I/O error, …).
    func insert(_ event: LedgerEvent) throws {
        if !event.blobs.isEmpty {
            let blobs = try BlobInserter(db)
            for blob in event.blobs { try blobs.insert(blob) }
        }
        try insertRow(event)
    }

    /// Inserts the event's row.
    private func insertRow(_ event: LedgerEvent) throws {
        var runID = event.runID.rawValue
        var type = event.type
        var payload = event.payload
        let code = runID.withUTF8 { runBytes in
            type.withUTF8 { typeBytes in
                payload.withUTF8 { payloadBytes in
                    bindText(1, runBytes)
                    sqlite3_bind_int64(statement, 2, event.seq)
                    sqlite3_bind_int64(statement, 3, event.timestampMillis)
                    bindKind(4, event.kind)
                    bindText(5, typeBytes)
                    bindText(6, payloadBytes)
                    let code = sqlite3_step(statement)
                    // Reset and unbind before the buffers go: SQLite must not keep pointers into them.
                    sqlite3_reset(statement)
                    sqlite3_clear_bindings(statement)
                    return code
                }
            }
        }
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage,
                sql: "INSERT INTO events …")
        }
    }

    /// Binds UTF-8 `bytes` without copying; an empty string is bound as '' (never NULL).
    private func bindText(_ index: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            // A static empty C string: valid for as long as SQLite could hold it.
            let empty = UnsafeRawPointer(Self.empty.utf8Start).assumingMemoryBound(to: CChar.self)
            sqlite3_bind_text(statement, index, empty, 0, nil)
            return
        }
        base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { text in
            _ = sqlite3_bind_text(statement, index, text, Int32(bytes.count), nil)
        }
    }

    /// Binds the kind's raw value from a static C string.
    private func bindKind(_ index: Int32, _ kind: EventKind) {
        let text: StaticString =
            switch kind {
            case .run: "run"
            case .upstreamOut: "upstream_out"
            case .upstreamIn: "upstream_in"
            case .tool: "tool"
            case .control: "control"
            }
        text.withUTF8Buffer { bytes in bindText(index, bytes) }
    }
}
