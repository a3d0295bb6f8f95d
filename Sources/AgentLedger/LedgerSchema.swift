import GRDB

/// The ledger's schema as named, forward-only migrations (recorded by GRDB in `grdb_migrations`).
///
/// Never edit or remove a migration once released: add a new one. A file that records a migration this list does
/// not know was written by a newer agentd and is refused at open.
enum LedgerSchema {
    /// Identifiers of the migrations, in order (exposed for error messages and docs).
    static var migrationIdentifiers: [String] { migrator.migrations }

    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-events") { db in
            // WITHOUT ROWID: the primary key is the table, so a run's events are stored contiguously and
            // read back by one range scan (see docs/ledger.md for the measurement against a rowid table).
            try db.execute(
                sql: """
                    CREATE TABLE events (
                        run_id  TEXT    NOT NULL,
                        seq     INTEGER NOT NULL CHECK (seq >= 0),
                        ts_ms   INTEGER NOT NULL,
                        kind    TEXT    NOT NULL
                                CHECK (kind IN ('run', 'upstream_out', 'upstream_in', 'tool', 'control')),
                        type    TEXT    NOT NULL,
                        payload TEXT    NOT NULL,
                        PRIMARY KEY (run_id, seq)
                    ) WITHOUT ROWID;

                    -- Lifecycle events only: listing runs and finding unfinished runs never touch deltas.
                    -- `type` and `kind` are included so listing and status derivation read the index alone
                    -- (SQLite 3.40 does not treat the partial index's WHERE column as covered).
                    CREATE INDEX events_lifecycle ON events (run_id, seq, type, kind) WHERE kind = 'run';

                    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
                    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

                    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
                    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                    """
            )
        }
        migrator.registerMigration("v1-commands") { db in
            try db.execute(
                sql: """
                    CREATE TABLE commands (
                        id          INTEGER PRIMARY KEY,
                        ts_ms       INTEGER NOT NULL,
                        method      TEXT    NOT NULL,
                        params      TEXT    NOT NULL,
                        client_name TEXT,
                        peer_uid    INTEGER,
                        peer_pid    INTEGER
                    );

                    CREATE TRIGGER commands_no_update BEFORE UPDATE ON commands
                    BEGIN SELECT RAISE(ABORT, 'commands are append-only'); END;

                    CREATE TRIGGER commands_no_delete BEFORE DELETE ON commands
                    BEGIN SELECT RAISE(ABORT, 'commands are append-only'); END;
                    """
            )
        }
        registerKindCheckMigration(&migrator)
        registerToolOutputBlobsMigration(&migrator)
        registerControlRequestsMigration(&migrator)
        return migrator
    }()

    /// Applied migrations that this build does not know (recorded by a newer agentd), in name order.
    static func unknownMigrations(_ db: Database) throws -> [String] {
        let known = Set(migrator.migrations)
        return try migrator.appliedIdentifiers(db).filter { !known.contains($0) }.sorted()
    }
}
