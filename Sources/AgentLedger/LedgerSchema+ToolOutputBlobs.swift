import GRDB

extension LedgerSchema {
    /// `v3-tool-output-blobs`: a content-addressed, append-only table of large tool outputs.
    ///
    /// A `tool.finished` payload carries the model's head+tail excerpt and, for a stream the excerpt cut, the
    /// SHA-256 and size of the full stream, whose bytes are here. The key is the hash, so identical outputs are
    /// stored once (`INSERT OR IGNORE`). A rowid table, not `WITHOUT ROWID`: rows are large (up to megabytes), and
    /// SQLite keeps large rows out of the key's B-tree only in rowid tables. The CHECKs refuse a row whose key or
    /// size does not describe its bytes; the triggers make rows immutable like events.
    static func registerToolOutputBlobsMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-tool-output-blobs") { db in
            try db.execute(
                sql: """
                    CREATE TABLE blobs (
                        sha256 TEXT    NOT NULL PRIMARY KEY CHECK (length(sha256) = 64),
                        size   INTEGER NOT NULL,
                        bytes  BLOB    NOT NULL,
                        CHECK (size = length(bytes))
                    );

                    CREATE TRIGGER blobs_no_update BEFORE UPDATE ON blobs
                    BEGIN SELECT RAISE(ABORT, 'blobs are append-only'); END;

                    CREATE TRIGGER blobs_no_delete BEFORE DELETE ON blobs
                    BEGIN SELECT RAISE(ABORT, 'blobs are append-only'); END;
                    """
            )
        }
    }
}
