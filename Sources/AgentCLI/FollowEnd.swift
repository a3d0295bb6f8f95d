import AgentModel

/// Why agentctl stopped following a run.
enum FollowEnd: Equatable {
    /// The feed ended with the run in this state (it ended, or is not active in the daemon).
    case run(RunStatus)
    /// The client detached on purpose (`run/detach`).
    case detached
    /// agentd said it is stopping (`daemon_shutdown`) before the run recorded its end.
    case daemonStopping
    /// The connection to agentd closed without an end marker: it was killed or crashed.
    case connectionLost
    /// The person pressed Ctrl-C.
    case interruptedByUser
}
