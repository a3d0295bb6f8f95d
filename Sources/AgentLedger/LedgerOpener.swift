import Foundation
import GRDB

import Glibc

/// Opens a ledger file safely: checks it, creates or migrates its schema under `synchronous=FULL`, then opens the
/// long-lived connections.
///
/// Nothing here ever rewrites or deletes an existing file: a damaged or newer file is refused with an error that
/// names it.
struct LedgerOpener {
    /// How long a connection waits for a lock held by another process before failing.
    static let busyTimeout: TimeInterval = 5
    /// How much of the file readers map into memory (1 GiB).
    static let mmapBytes = 1 << 30

    let path: String
    let sync: LedgerSync
    /// The process-session marker to consult and remove, or nil to keep none (every unclean exit then costs a
    /// full check).
    var session: LedgerSessionMarker? = nil

    /// Checks, migrates and opens the file; returns the pool whose writer connection the ledger uses and how the
    /// file's integrity was established.
    func openDatabase() throws -> (pool: DatabasePool, integrityCheck: LedgerIntegrityCheck) {
        let directory = (path as NSString).deletingLastPathComponent
        let directoryPath = directory.isEmpty ? "." : directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directoryPath, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw LedgerOpenError(
                code: .cannotOpen, path: path,
                message: "directory \(directoryPath) does not exist; create it (agentd's state directory) and restart"
            )
        }
        let isNew = !FileManager.default.fileExists(atPath: path)
        // Private from the start: SQLite would create it 0644, and its -wal and -shm files copy its mode.
        if isNew, let code = LedgerFileMode.createPrivate(path) {
            throw LedgerOpenError(
                code: .cannotOpen, path: path,
                message: "cannot create the ledger file (errno \(code)); check the permissions of \(directoryPath)")
        }
        LedgerFileMode.tighten(path)
        let marker = CleanShutdownMarker(ledgerPath: path)
        // Both markers are read before anything opens the database.
        let integrityCheck: LedgerIntegrityCheck =
            isNew
            ? .newFile
            : marker.matchesCurrentFile()
                ? .skippedAfterCleanClose
                : (marker.exists ? .quickCheckMarkerMismatch : (session?.verdict() ?? .quickCheckNoMarker))
        // Before anything can write (WAL set-up, migrations, appends): a marker must never outlive the state it
        // describes, even across a power loss. The session marker is written again once the open succeeded.
        try marker.remove()
        try removeSessionMarker()
        let skip = integrityCheck == .skippedAfterCleanClose || integrityCheck == .skippedAfterProcessExit
        try prepareSchema(isNew: isNew, quickCheck: !skip)
        if isNew {
            // The file's directory entry must be durable too, or a power loss can lose the whole ledger.
            try syncDirectory(directoryPath)
        }
        return (try openPool(), integrityCheck)
    }

    /// Removes the session marker; refuses to open when it stays (it could later vouch for a file that saw an
    /// I/O error).
    private func removeSessionMarker() throws {
        guard let session, !session.remove() else { return }
        let code = errno
        throw LedgerOpenError(
            code: .cannotOpen, path: path,
            message: "cannot remove the session marker \(session.path) (errno \(code)); "
                + "check the permissions of \(session.directory), then restart")
    }

    /// With a short-lived connection: quick_check (unless `quickCheck` is false) and the migration check on an
    /// existing file, then WAL mode and the migrations, all under `synchronous=FULL`.
    private func prepareSchema(isNew: Bool, quickCheck: Bool) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "agentd.ledger.setup"
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            try queue.writeWithoutTransaction { db in
                if !isNew { try check(db, quickCheck: quickCheck) }
                let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                guard mode == "wal" else {
                    throw LedgerOpenError(
                        code: .cannotOpen, path: path,
                        message: "cannot switch to WAL mode (journal_mode is \(mode ?? "unknown")); "
                            + "the file system must support shared memory (no network file systems)"
                    )
                }
            }
            do {
                try LedgerSchema.migrator.migrate(queue)
            } catch {
                throw LedgerOpenError(
                    code: .migrationFailed, path: path,
                    message: "migrating the schema failed, nothing was changed: \(error); "
                        + "check free space and permissions, then restart"
                )
            }
        } catch let error as LedgerOpenError {
            throw error
        } catch {
            throw openError(error)
        }
    }

    /// Refuses a damaged file (when `quickCheck`) or one migrated by a newer agentd.
    private func check(_ db: Database, quickCheck: Bool) throws {
        let report = quickCheck ? try String.fetchAll(db, sql: "PRAGMA quick_check") : ["ok"]
        guard report == ["ok"] else {
            throw LedgerOpenError(
                code: .corrupted, path: path,
                message: "PRAGMA quick_check found damage (\(report.prefix(3).joined(separator: "; "))). "
                    + "The file was left untouched: stop agentd, move it aside or restore it from a backup "
                    + "(`sqlite3 \(path) .recover` can salvage rows), then restart"
            )
        }
        let unknown = try LedgerSchema.unknownMigrations(db)
        guard unknown.isEmpty else {
            throw LedgerOpenError(
                code: .newerSchema, path: path,
                message: "written by a newer agentd: it records migration(s) \(unknown.joined(separator: ", ")) "
                    + "that this build does not know (it knows "
                    + LedgerSchema.migrationIdentifiers.joined(separator: ", ") + "). "
                    + "Run the newer agentd, or point this one at another ledger file"
            )
        }
    }

    /// The long-lived pool: one writer connection (used only by the ledger's writer queue) and WAL readers.
    private func openPool() throws -> DatabasePool {
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "agentd.ledger"
        configuration.maximumReaderCount = 4
        configuration.prepareDatabase { db in
            // Readers page through whole runs (replay, attach): reading the file through a memory map saves a
            // pread and a copy per page. SQLite never writes through the map.
            try db.execute(sql: "PRAGMA mmap_size = \(Self.mmapBytes)")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            // After the pool's WAL set-up, which sets NORMAL: the writer's level is ours to choose.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(sync.pragmaValue)")
                // Keep the WAL file from staying large after a burst (it is reused, not deleted).
                try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
            }
            return pool
        } catch {
            throw openError(error)
        }
    }

    /// Maps an SQLite error at open to a message that says what to do.
    private func openError(_ error: any Error) -> LedgerOpenError {
        guard let dbError = error as? DatabaseError else {
            return LedgerOpenError(code: .cannotOpen, path: path, message: "cannot open: \(error)")
        }
        let detail = dbError.message ?? "SQLite error \(dbError.extendedResultCode.rawValue)"
        switch dbError.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return LedgerOpenError(
                code: .corrupted, path: path,
                message: "not a healthy SQLite database (\(detail)). The file was left untouched: stop agentd, "
                    + "move it aside or restore it from a backup, then restart"
            )
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return LedgerOpenError(
                code: .cannotOpen, path: path,
                message: "locked by another process (\(detail)); is another agentd running on this file?"
            )
        default:
            return LedgerOpenError(
                code: .cannotOpen, path: path,
                message: "cannot open (\(detail)); check the path, its permissions and free space"
            )
        }
    }

    /// fsyncs `directory` so a newly created file's entry survives a power loss.
    private func syncDirectory(_ directory: String) throws {
        let fd = open(directory, O_RDONLY)
        guard fd >= 0 else {
            throw LedgerOpenError(
                code: .cannotOpen, path: path,
                message: "cannot open directory \(directory) to fsync it (errno \(errno))"
            )
        }
        defer { _ = close(fd) }
        guard fsync(fd) == 0 else {
            throw LedgerOpenError(
                code: .cannotOpen, path: path,
                message: "fsync of directory \(directory) failed (errno \(errno)); check the file system, then restart"
            )
        }
    }
}
