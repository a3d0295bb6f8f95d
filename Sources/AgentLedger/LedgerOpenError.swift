/// Why a ledger file could not be opened; the message names the file and says what to do.
public struct LedgerOpenError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Machine-readable reason.
    public enum Code: String, Sendable {
        /// The file or its directory cannot be created or opened.
        case cannotOpen = "cannot_open"
        /// `PRAGMA quick_check` found damage, or the file is not an SQLite database.
        case corrupted
        /// The file was migrated by a newer agentd whose schema this build does not know.
        case newerSchema = "newer_schema"
        /// Creating or migrating the schema failed.
        case migrationFailed = "migration_failed"
    }

    /// Machine-readable reason.
    public var code: Code
    /// The ledger file concerned.
    public var path: String
    /// What went wrong and what to do about it.
    public var message: String

    /// Creates an error for `path`.
    public init(code: Code, path: String, message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { "ledger \(path): \(message)" }
}
