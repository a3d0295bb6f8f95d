extension GroupCommitWriter {
    /// `error` with the errno that explains it when the ledger's files may not be written (see
    /// ``SQLiteSystemError``).
    func withSystemErrno(_ error: any Error) -> any Error {
        SQLiteSystemError.wrapping(error, ledgerPath: path)
    }
}
