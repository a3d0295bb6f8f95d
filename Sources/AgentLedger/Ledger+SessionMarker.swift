import GRDB

extension Ledger {
    /// Removes the session marker when `error`, thrown by a read, says the disk failed or the file is damaged
    /// (`SQLITE_IOERR`, `SQLITE_CORRUPT`, `SQLITE_NOTADB`): the writer may never see it, and a restart after a
    /// crash must then run the full `quick_check`. Cancellations and other errors leave the marker alone.
    func requireFullCheckIfDamaged(_ error: any Error) {
        guard let session else { return }
        let databaseError = (error as? SQLiteSystemError)?.error ?? (error as? DatabaseError)
        guard let code = databaseError?.resultCode else { return }
        if code == .SQLITE_IOERR || code == .SQLITE_CORRUPT || code == .SQLITE_NOTADB {
            session.remove()
        }
    }
}
