/// How the integrity of an existing ledger file was established when it was opened.
///
/// The schema version and migrations are checked on every open, whatever this says.
public enum LedgerIntegrityCheck: String, Equatable, Sendable {
    /// The file was created by this open: there was nothing to check.
    case newFile = "new_file"
    /// A "verified clean" marker from the last clean close matched the file exactly: `quick_check` was skipped.
    case skippedAfterCleanClose = "skipped_after_clean_close"
    /// The last run of this ledger ended without a clean close, but in this kernel boot and without an I/O error
    /// (a matching ``LedgerSessionMarker``): a process crash loses nothing the kernel accepted, so SQLite's WAL
    /// recovery suffices and `quick_check` was skipped.
    case skippedAfterProcessExit = "skipped_after_process_exit"
    /// No marker (the machine lost power or rebooted, an I/O error was seen, or no session marker is kept): full
    /// `PRAGMA quick_check`.
    case quickCheckNoMarker = "quick_check_no_marker"
    /// A marker that does not match the file (modified, copied, replaced, WAL left over): full `PRAGMA quick_check`.
    case quickCheckMarkerMismatch = "quick_check_marker_mismatch"
}
