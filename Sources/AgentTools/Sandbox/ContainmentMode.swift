/// How the processes of a tool call are kept from outliving it (and from the daemon), as the daemon reports it in
/// `daemon/status` and `agentctl status`.
public enum ContainmentMode: String, Sendable, Hashable, CaseIterable {
    /// bubblewrap with a private pid namespace: the daemon and other runs are invisible, and everything the call
    /// started dies with it, whatever session or environment it gave itself.
    case sandbox
    /// A per-call cgroup v2 (`cgroup.kill`): everything the call started dies with it, but the tool sees the
    /// daemon's and other runs' processes in `/proc`.
    case cgroup
    /// The process group and the marker sweep: a process that both left the call's session and cleared its
    /// `AGENTD_TOOL_CALL` variable (`setsid env -u AGENTD_TOOL_CALL cmd &`) survives the call.
    case bestEffort = "best-effort"

    /// The mode of calls run by `runner`, inside `sandbox` when one is set.
    public init(sandbox: BubblewrapSandbox?, escapes: EscapeContainment) {
        if sandbox != nil {
            self = .sandbox
        } else if case .cgroup = escapes {
            self = .cgroup
        } else {
            self = .bestEffort
        }
    }
}
