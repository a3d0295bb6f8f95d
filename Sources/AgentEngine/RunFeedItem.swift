import AgentModel

/// What an attached client receives: committed events in order, then why the feed ended.
public enum RunFeedItem: Sendable, Hashable {
    case event(LedgerEvent)
    /// The feed is over; `nextSeq` is where a later attach continues without gap or duplicate.
    case ended(reason: RunFeedEnd, nextSeq: Int64)
}

/// Why a run feed ended.
public enum RunFeedEnd: String, Sendable, Hashable {
    /// The run reached a terminal state (or was interrupted) and all its events were delivered.
    case runEnded = "run_ended"
    /// The run is not running in this daemon (e.g. interrupted and not resumed).
    case runNotActive = "run_not_active"
    /// The daemon is shutting down.
    case daemonShutdown = "daemon_shutdown"
    /// Reading the run's events from the ledger failed; a later attach from `nextSeq` may succeed.
    case ledgerUnreadable = "ledger_unreadable"
}
