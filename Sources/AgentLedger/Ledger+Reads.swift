import AgentModel
import GRDB

extension Ledger {
    /// Committed events of `run` with `seq >= fromSeq`, in seq order, at most `limit`.
    ///
    /// - Throws: ``LedgerFailure`` when the ledger is closed or the read fails.
    public func events(of run: RunID, fromSeq: Int64, limit: Int) async throws -> [LedgerEvent] {
        guard limit > 0 else { return [] }
        return try await read { db in try Self.fetchEvents(db, run: run, fromSeq: fromSeq, limit: limit) }
    }

    /// Summaries of runs, newest first, at most `limit`, only those created before `beforeID` if given.
    ///
    /// Derived from lifecycle events (kind `run`) only, through the `events_lifecycle` partial index.
    /// - Throws: ``LedgerFailure`` when the ledger is closed or the read fails.
    public func runSummaries(limit: Int, before beforeID: RunID?) async throws -> [RunSummary] {
        guard limit > 0 else { return [] }
        return try await read { db in try Self.fetchSummaries(db, limit: limit, before: beforeID) }
    }

    /// Runs whose last lifecycle status is not terminal (running, awaiting approval or interrupted), oldest first.
    ///
    /// Answered from the `events_lifecycle` partial index alone.
    /// - Throws: ``LedgerFailure`` when the ledger is closed or the read fails.
    public func unfinishedRuns() async throws -> [RunID] {
        try await read { db in try Self.fetchUnfinished(db) }
    }

    /// The highest committed seq of `run`, or nil if it has no events.
    ///
    /// - Throws: ``LedgerFailure`` when the ledger is closed or the read fails.
    public func lastSeq(of run: RunID) async throws -> Int64? {
        try await read { db in
            try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM events WHERE run_id = ?", arguments: [run.rawValue])
        }
    }

    /// Runs `PRAGMA integrity_check` (reads the whole file) and returns its report: "ok" when healthy.
    ///
    /// - Throws: ``LedgerFailure`` when the ledger is closed or the check cannot run.
    public func integrityCheck() throws -> String {
        try readNow { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }

    /// The number of committed events.
    ///
    /// - Throws: ``LedgerFailure`` when the ledger is closed or the read fails.
    public func eventCount() throws -> Int {
        try readNow { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0 }
    }

    // MARK: - Reading

    /// Runs `body` on a reader connection (a WAL snapshot of committed data) off the caller's thread.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        guard !writer.closed else { throw LedgerFailure.closed(path: path) }
        do {
            return try await pool.read(body)
        } catch {
            requireFullCheckIfDamaged(error)
            throw LedgerFailure.from(error, path: path)
        }
    }

    /// Runs `body` on a reader connection, blocking the calling thread.
    func readNow<T>(_ body: (Database) throws -> T) throws -> T {
        guard !writer.closed else { throw LedgerFailure.closed(path: path) }
        do {
            return try pool.read(body)
        } catch {
            requireFullCheckIfDamaged(error)
            throw LedgerFailure.from(error, path: path)
        }
    }

    static func fetchEvents(_ db: Database, run: RunID, fromSeq: Int64, limit: Int) throws -> [LedgerEvent] {
        try EventReader.fetch(db, run: run, fromSeq: fromSeq, limit: limit)
    }

    /// The run listing query; `paged` adds the `:before` cursor.
    ///
    /// `INDEXED BY` pins the lifecycle index: without it SQLite prefers the primary key for the join and reads
    /// every delta of each listed run. (With it, a schema change that drops the index fails loudly instead.)
    static func summariesSQL(paged: Bool) -> String {
        """
        SELECT e.run_id, e.ts_ms, e.type,
            CASE
                WHEN e.type IN ('run.started', 'turn.started') THEN e.payload
                WHEN e.type = 'run.forked' THEN json_object(
                    'turn', json_extract(e.payload, '$.turn'),
                    'last_prompt', json_extract(e.payload, '$.turns[#-1].prompt'))
            END
        FROM (
            SELECT run_id FROM events INDEXED BY events_lifecycle
            WHERE kind = 'run' \(paged ? "AND run_id < :before" : "")
            GROUP BY run_id ORDER BY run_id DESC LIMIT :limit
        ) AS r
        JOIN events AS e INDEXED BY events_lifecycle ON e.run_id = r.run_id AND e.kind = 'run'
        ORDER BY e.run_id DESC, e.seq
        """
    }

    /// Every lifecycle event's run and type, in order: all that status derivation needs.
    static let unfinishedSQL =
        "SELECT run_id, type FROM events INDEXED BY events_lifecycle WHERE kind = 'run' ORDER BY run_id, seq"

    static func fetchSummaries(_ db: Database, limit: Int, before: RunID?) throws -> [RunSummary] {
        let sql = summariesSQL(paged: before != nil)
        var arguments: StatementArguments = ["limit": limit]
        if let before { arguments += ["before": before.rawValue] }
        var summaries: [RunSummary] = []
        var current: (id: String, fold: LifecycleFold)?
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            let id: String = row[0]
            if current?.id != id {
                if let current { summaries.append(current.fold.summary(id: RunID(rawValue: current.id))) }
                current = (id, LifecycleFold())
            }
            current?.fold.apply(type: row[2], timestampMillis: row[1], payload: row[3])
        }
        if let current { summaries.append(current.fold.summary(id: RunID(rawValue: current.id))) }
        return summaries
    }

    static func fetchUnfinished(_ db: Database) throws -> [RunID] {
        var unfinished: [RunID] = []
        var current: (id: String, status: RunStatus)?
        let rows = try Row.fetchCursor(db, sql: unfinishedSQL)
        while let row = try rows.next() {
            let id: String = row[0]
            if current?.id != id {
                if let current, !current.status.isTerminal { unfinished.append(RunID(rawValue: current.id)) }
                current = (id, .running)
            }
            if let next = LifecycleFold.status(after: row[1]) { current?.status = next }
        }
        if let current, !current.status.isTerminal { unfinished.append(RunID(rawValue: current.id)) }
        return unfinished
    }
}
