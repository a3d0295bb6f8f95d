import Foundation
import GRDB

/// A SQLite I/O error with the errno that explains it, found by asking the kernel whether the ledger's files may
/// be written (`access(W_OK)`).
///
/// SQLite reports a refused `write()` as `SQLITE_IOERR_WRITE` whatever the cause, and its own record of the errno
/// (`sqlite3_system_errno`) is 0 after a failed COMMIT (SQLite 3.40, measured). Asking the kernel afterwards tells
/// a file that may not be written now (EROFS, EACCES, EPERM: fix it and retry) from a failing disk under a
/// writable file (EIO: fatal). It checks the present state, so an old failure never colours a new one.
struct SQLiteSystemError: Error {
    var error: DatabaseError
    /// The errno of the refused access, or 0 when every file may be written.
    var systemErrno: Int32
    /// The file or directory that may not be written, if any.
    var refusedPath: String?

    init(error: DatabaseError, systemErrno: Int32, refusedPath: String? = nil) {
        self.error = error
        self.systemErrno = systemErrno
        self.refusedPath = refusedPath
    }

    /// An error with SQLite's (extended) result `code` and `message`, as a failed call reports it.
    init(resultCode code: Int32, message: String, systemErrno: Int32) {
        self.init(error: DatabaseError(resultCode: ResultCode(rawValue: code), message: message), systemErrno: systemErrno)
    }

    /// `error` with the errno of the first of the ledger's files (the database, its WAL and shared-memory files,
    /// their directory) that may not be written, for `SQLITE_IOERR*` and `SQLITE_CANTOPEN` errors only.
    static func wrapping(_ error: any Error, ledgerPath path: String) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        let primary = error.resultCode
        guard primary == .SQLITE_IOERR || primary == .SQLITE_CANTOPEN else { return error }
        let directory = (path as NSString).deletingLastPathComponent
        for candidate in [path, path + "-wal", path + "-shm", directory.isEmpty ? "." : directory] {
            guard faccessat(AT_FDCWD, candidate, W_OK, AT_EACCESS) != 0 else { continue }
            let code = errno
            // A missing -wal or -shm is no refusal (SQLite creates them when needed).
            if code == ENOENT { continue }
            return SQLiteSystemError(error: error, systemErrno: code, refusedPath: candidate)
        }
        return SQLiteSystemError(error: error, systemErrno: 0)
    }
}
