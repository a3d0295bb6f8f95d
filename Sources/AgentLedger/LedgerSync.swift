/// How hard the ledger's writer flushes each commit to disk.
public enum LedgerSync: String, Sendable, CaseIterable {
    /// `synchronous=FULL`: every commit is fsynced before `append` returns; survives power loss.
    case full
    /// `synchronous=NORMAL`: commits survive a crash of agentd, but the last ones may be lost on power loss.
    case normal

    /// The value of `PRAGMA synchronous` for this level.
    var pragmaValue: String {
        switch self {
        case .full: "FULL"
        case .normal: "NORMAL"
        }
    }
}
