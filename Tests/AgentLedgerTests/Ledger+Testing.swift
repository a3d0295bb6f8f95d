import AgentModel
import Dispatch
import GRDB
import TestSupport

@testable import AgentLedger

// Hooks for AgentLedgerTests (`@testable import`): they reach SQLite directly so tests really try the SQL.
extension Ledger {
    /// Holds the writer until the returned closure is called, so writes submitted meanwhile form one batch.
    func pauseWriterForTesting() -> @Sendable () -> Void {
        let gate = DispatchSemaphore(value: 0)
        writer.queue.async { gate.wait() }
        return { gate.signal() }
    }

    /// Makes the next transaction fail with SQLite result `code` before it writes anything.
    func injectFaultForTesting(resultCode code: Int32) {
        writer.injectFault(code)
    }

    /// Runs `sql` on the writer connection, on the writer queue.
    func executeOnWriterForTesting(_ sql: String) throws {
        try writer.queue.sync {
            try pool.writeWithoutTransaction { db in try db.execute(sql: sql) }
        }
    }

    /// The writer connection's value of `PRAGMA name`.
    func writerPragmaForTesting(_ name: String) throws -> String? {
        try writer.queue.sync {
            try pool.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
        }
    }

    /// The committed event `(run, seq)` as a reader connection sees it now (blocking; usable from the observer).
    func committedEventForTesting(run: RunID, seq: Int64) throws -> LedgerEvent? {
        try readNow { db in try Self.fetchEvents(db, run: run, fromSeq: seq, limit: 1) }.first { $0.seq == seq }
    }

    /// SQLite's plans for the run listing (first page, later page) and the unfinished-runs query, one detail
    /// line per step.
    func lifecycleQueryPlansForTesting() throws -> [[String]] {
        let queries: [(String, StatementArguments)] = [
            (Self.summariesSQL(paged: false), ["limit": 50]),
            (Self.summariesSQL(paged: true), ["limit": 50, "before": "run_z"]),
            (Self.unfinishedSQL, []),
        ]
        return try readNow { db in
            try queries.map { sql, arguments in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map {
                    $0["detail"] as String
                }
            }
        }
    }

    /// Runs `sql` on a separate connection to the file at `path`; returns SQLite's error message, or nil if it
    /// succeeded.
    static func executeRawForTesting(path: String, sql: String) -> String? {
        do {
            let queue = try DatabaseQueue(path: path)
            defer { try? queue.close() }
            try queue.writeWithoutTransaction { db in try db.execute(sql: sql) }
            return nil
        } catch let error as DatabaseError {
            return error.message ?? "\(error)"
        } catch {
            return "\(error)"
        }
    }
}

extension Ledger {
    /// The command log as `method|client|uid|pid` lines, in order.
    func commandsForTesting() throws -> [String] {
        try readNow { db in
            try Row.fetchAll(db, sql: "SELECT method, client_name, peer_uid, peer_pid FROM commands ORDER BY id").map {
                let client: String? = $0[1]
                let uid: Int64? = $0[2]
                let pid: Int64? = $0[3]
                return "\($0[0] as String)|\(client ?? "")|\(uid.map(String.init) ?? "")|\(pid.map(String.init) ?? "")"
            }
        }
    }
}

/// An SQLite error with result `code`, as GRDB reports it.
func sqliteError(_ code: Int32) -> any Error {
    DatabaseError(resultCode: ResultCode(rawValue: code), message: "test")
}

extension Ledger {
    /// Waits for a background checkpoint in progress, then returns how many ran (background, inline).
    func checkpointsForTesting() -> (background: Int, inline: Int) {
        guard let checkpointer = writer.checkpointer else { return (0, 0) }
        checkpointer.waitForRunningCheckpoint()
        return checkpointer.completedCheckpoints
    }

    /// Creates a ledger file at `path` with only the `v1-…` migrations applied (as the first release wrote it)
    /// and `events` in it.
    static func createVersion1LedgerForTesting(path: String, events: [LedgerEvent]) throws {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        try LedgerSchema.migrator.migrate(queue, upTo: "v1-commands")
        try queue.write { db in
            for event in events {
                try db.execute(
                    sql: "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [
                        event.runID.rawValue, event.seq, event.timestampMillis, event.kind.rawValue, event.type,
                        event.payload,
                    ])
            }
        }
    }

    /// The `CREATE TABLE` statement of `events` as stored in the schema.
    func eventsTableSQLForTesting() throws -> String {
        try readNow { db in
            try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE name = 'events'") ?? ""
        }
    }
}
