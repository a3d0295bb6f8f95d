import AgentModel
import GRDB

extension LedgerFailure {
    /// Maps an error thrown by SQLite during a write or read to the ledger's failure vocabulary.
    ///
    /// Only the result code decides: `SQLITE_FULL` is a rolled-back transaction (not poisoning), a constraint
    /// violation rejects the events, `SQLITE_BUSY`/`SQLITE_LOCKED` mean another process holds the file, and
    /// anything else (I/O, fsync, read-only, cannot open, corruption, …) is an I/O error that poisons the writer.
    static func from(_ error: any Error, path: String) -> LedgerFailure {
        if let failure = error as? LedgerFailure { return failure }
        guard let dbError = error as? DatabaseError else {
            return LedgerFailure(code: .ioError, message: "ledger \(path): \(error)")
        }
        let detail = "\(dbError.message ?? "SQLite error") (code \(dbError.extendedResultCode.rawValue))"
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
