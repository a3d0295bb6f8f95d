import AgentModel
import GRDB
import GRDBSQLite

import Glibc

/// Reads a run's events with SQLite's C API: the hot loop of replay and of `run/attach` history.
///
/// Compared with GRDB rows: no per-row boxing, the kind is matched on its bytes, and an event's `type`, which
/// repeats from row to row (thousands of `response.output_text.delta`), is created as a Swift string only when it
/// differs from the previous row's.
enum EventReader {
    static let sql = "SELECT seq, ts_ms, kind, type, payload FROM events WHERE run_id = ? AND seq >= ? ORDER BY seq LIMIT ?"

    /// Committed events of `run` with `seq >= fromSeq`, in seq order, at most `limit`.
    ///
    /// - Throws: `DatabaseError` from SQLite, or ``LedgerFailure`` (`.ioError`) for a row with an unknown kind.
    static func fetch(_ db: Database, run: RunID, fromSeq: Int64, limit: Int) throws -> [LedgerEvent] {
        let statement = try db.cachedStatement(sql: sql).sqliteStatement
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        var runText = run.rawValue
        var events: [LedgerEvent] = []
        events.reserveCapacity(min(limit, 4096))
        var lastType = ""
        var lastTypeBytes: [UInt8] = []
        try runText.withUTF8 { runBytes in
            try runBytes.withMemoryRebound(to: CChar.self) { text in
                // SQLITE_TRANSIENT: SQLite copies the id, so it may outlive this closure.
                sqlite3_bind_text(statement, 1, text.baseAddress, Int32(text.count), transient)
            }
            sqlite3_bind_int64(statement, 2, fromSeq)
            sqlite3_bind_int64(statement, 3, Int64(limit))
            while true {
                let code = sqlite3_step(statement)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else {
                    throw DatabaseError(
                        resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage, sql: sql)
                }
                let kindBytes = bytes(sqlite3_column_value(statement, 2))
                guard let kind = kind(kindBytes) else {
                    let text = String(decoding: kindBytes, as: UTF8.self)
                    throw LedgerFailure(code: .ioError, message: "unknown event kind \(text) in \(run)")
                }
                let typeBytes = bytes(sqlite3_column_value(statement, 3))
                if !same(typeBytes, lastTypeBytes) {
                    lastTypeBytes = Array(typeBytes)
                    lastType = String(decoding: typeBytes, as: UTF8.self)
                }
                events.append(
                    LedgerEvent(
                        runID: run, seq: sqlite3_value_int64(sqlite3_column_value(statement, 0)),
                        timestampMillis: sqlite3_value_int64(sqlite3_column_value(statement, 1)), kind: kind,
                        type: lastType, payload: String(decoding: bytes(sqlite3_column_value(statement, 4)), as: UTF8.self)))
            }
        }
        return events
    }

    /// The bytes of a column's value of the current row (valid until the next step).
    ///
    /// Each `sqlite3_column_*` call looks the column up and checks the statement's error state again, so a column
    /// is fetched once as a value, then read with the cheaper `sqlite3_value_*` calls. Its bytes are read as a blob:
    /// a TEXT value is returned as stored, without the terminating NUL `sqlite3_value_text` may have to add.
    private static func bytes(_ value: OpaquePointer?) -> UnsafeBufferPointer<UInt8> {
        guard let blob = sqlite3_value_blob(value) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: blob.assumingMemoryBound(to: UInt8.self), count: Int(sqlite3_value_bytes(value)))
    }

    /// Whether `bytes` and `array` hold the same bytes.
    private static func same(_ bytes: UnsafeBufferPointer<UInt8>, _ array: [UInt8]) -> Bool {
        guard bytes.count == array.count else { return false }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
        return array.withUnsafeBufferPointer { memcmp(base, $0.baseAddress!, bytes.count) == 0 }
    }

    /// The kind whose raw value is `bytes` (the CHECK constraint admits only these five).
    private static func kind(_ bytes: UnsafeBufferPointer<UInt8>) -> EventKind? {
        let candidate: EventKind
        switch bytes.count {
        case 3: candidate = .run
        case 4: candidate = .tool
        case 7: candidate = .control
        case 11: candidate = .upstreamIn
        case 12: candidate = .upstreamOut
        default: return nil
        }
        let raw: StaticString =
            switch candidate {
            case .run: "run"
            case .tool: "tool"
            case .control: "control"
            case .upstreamIn: "upstream_in"
            case .upstreamOut: "upstream_out"
            }
        guard let base = bytes.baseAddress, memcmp(base, raw.utf8Start, bytes.count) == 0 else { return nil }
        return candidate
    }

    /// SQLite's `SQLITE_TRANSIENT` destructor (-1): copy the bound value.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
