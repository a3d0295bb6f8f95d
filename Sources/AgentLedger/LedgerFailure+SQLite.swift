import AgentModel
import Foundation
import GRDB

extension LedgerFailure {
    /// Maps an error thrown by SQLite during a write or read to the ledger's failure vocabulary.
    ///
    /// `SQLITE_FULL` and a file that may not be written are rolled-back transactions (not poisoning: the run
    /// pauses until space is freed or the file is writable again), a constraint violation rejects the events,
    /// `SQLITE_BUSY`/`SQLITE_LOCKED` mean another process holds the file, and anything else (a failed fsync, EIO,
    /// corruption, a moved file, …) is an I/O error that poisons the writer. See ``notWritableDetail(_:_:)``.
    static func from(_ error: any Error, path: String) -> LedgerFailure {
        if let failure = error as? LedgerFailure { return failure }
        var systemErrno: Int32 = 0
        var refusedPath: String?
        var sqliteError = error as? DatabaseError
        if let wrapped = error as? SQLiteSystemError {
            sqliteError = wrapped.error
            systemErrno = wrapped.systemErrno
            refusedPath = wrapped.refusedPath
        }
        guard let dbError = sqliteError else {
            return LedgerFailure(code: .ioError, message: "ledger \(path): \(error)")
        }
        var detail = "\(dbError.message ?? "SQLite error") (code \(dbError.extendedResultCode.rawValue))"
        if systemErrno != 0 {
            detail += "; \(refusedPath ?? path): \(String(cString: strerror(systemErrno))) (errno \(systemErrno))"
        }
        if let cause = notWritableDetail(dbError.extendedResultCode.rawValue, systemErrno) {
            return LedgerFailure(
                code: .notWritable,
                message: "ledger \(path): \(cause), nothing was committed; make the file and its directory "
                    + "writable by agentd and retry: \(detail)"
            )
        }
        switch dbError.resultCode {
        case .SQLITE_FULL:
            return LedgerFailure(
                code: .diskFull,
                message: "ledger \(path): disk full, nothing was committed; free space and retry: \(detail)"
            )
        case .SQLITE_CONSTRAINT:
            return LedgerFailure(code: .rejected, message: "ledger \(path): event refused: \(detail)")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return LedgerFailure(
                code: .unavailable,
                message: "ledger \(path): locked by another process (only agentd may write it): \(detail)"
            )
        default:
            return LedgerFailure(code: .ioError, message: "ledger \(path): I/O error: \(detail)")
        }
    }

    /// Why the file may not be written, when the SQLite result `code` (extended) and `errno` say so; nil otherwise.
    ///
    /// - `SQLITE_READONLY` and its extended codes (the file, its WAL/-shm or its directory is read-only, or a lock
    ///   cannot be taken for that reason), except `SQLITE_READONLY_DBMOVED`: the file was renamed or deleted, which
    ///   no change of permissions repairs.
    /// - `SQLITE_PERM`.
    /// - `SQLITE_CANTOPEN` and the `SQLITE_IOERR_*` codes of writing, truncating, deleting, checking access to or
    ///   mapping a file, when one of the ledger's files may not be written (EROFS, EACCES or EPERM, see
    ///   ``SQLiteSystemError``): the refused call changed nothing, so the transaction rolls back cleanly, exactly
    ///   as a `write()` refused with ENOSPC does (`SQLITE_FULL`).
    /// A failed fsync (`SQLITE_IOERR_FSYNC`, `_DIR_FSYNC`) stays an I/O error whatever its errno: the kernel may
    /// already have dropped the pages it could not write, so the commit's fate is unknown (the PostgreSQL lesson).
    static func notWritableDetail(_ code: Int32, _ systemErrno: Int32) -> String? {
        let primary = code & 0xFF
        if primary == 8 /* SQLITE_READONLY */ {
            return code == 1032 /* SQLITE_READONLY_DBMOVED */ ? nil : "read-only"
        }
        if primary == 3 /* SQLITE_PERM */ { return "permission denied" }
        let refused: String
        switch systemErrno {
        case EROFS: refused = "read-only file system"
        case EACCES, EPERM: refused = "permission denied"
        default: return nil
        }
        if primary == 14 /* SQLITE_CANTOPEN */ { return refused }
        guard primary == 10 /* SQLITE_IOERR */ else { return nil }
        switch code {
        case 778,  // SQLITE_IOERR_WRITE
            1546,  // SQLITE_IOERR_TRUNCATE
            2570,  // SQLITE_IOERR_DELETE
            3338,  // SQLITE_IOERR_ACCESS
            4618,  // SQLITE_IOERR_SHMOPEN
            4874,  // SQLITE_IOERR_SHMSIZE
            5386:  // SQLITE_IOERR_SHMMAP
            return refused
        default:
            return nil
        }
    }

    /// The failure every write reports once an I/O error has poisoned the ledger.
    static func poisoned(by cause: LedgerFailure) -> LedgerFailure {
        // Still an I/O error: whoever sees it must stop the daemon as the first one did.
        LedgerFailure(
            code: .ioError,
            message: "the ledger stopped taking writes after an I/O error (a failed fsync is never retried); "
                + "restart agentd to recover from the last durable commit. Cause: \(cause.message)"
        )
    }

    /// The failure reported after ``Ledger/close()``.
    static func closed(path: String) -> LedgerFailure {
        LedgerFailure(code: .unavailable, message: "ledger \(path) is closed")
    }
}
