import GRDB

extension LedgerSchema {
    /// `v4-control-requests`: idempotency records of control requests that carried a `request_id`.
    ///
    /// A maintenance table, not part of the append-only history: records are never changed (a trigger refuses
    /// UPDATE) but are deleted once older than the retention (24 h), so DELETE is allowed here. The `events`
    /// and `commands` triggers are untouched. Keys are scoped by the peer's uid: one user's keys never answer
    /// another's requests. A rowid table (not WITHOUT ROWID): a stored result can be several kB.
    static func registerControlRequestsMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-control-requests") { db in
            try db.execute(
                sql: """
                    CREATE TABLE control_requests (
                        peer_uid    INTEGER NOT NULL CHECK (peer_uid >= 0),
                        request_id  TEXT    NOT NULL CHECK (length(request_id) > 0),
                        method      TEXT    NOT NULL,
                        params_hash TEXT    NOT NULL,
                        result      TEXT    NOT NULL,
                        created_ms  INTEGER NOT NULL,
                        UNIQUE (peer_uid, request_id)
                    );

                    -- Pruning deletes the oldest records by range.
                    CREATE INDEX control_requests_created ON control_requests (created_ms);

                    CREATE TRIGGER control_requests_no_update BEFORE UPDATE ON control_requests
                    BEGIN SELECT RAISE(ABORT, 'idempotency records are never changed'); END;
                    """
            )
        }
    }
}
