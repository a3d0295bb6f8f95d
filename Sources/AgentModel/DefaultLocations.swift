/// Where agentd puts its socket and state when neither a flag nor the config says otherwise.
///
/// Shared by the daemon and its clients so both find the same socket.
public enum DefaultLocations {
    /// `$AGENTD_SOCKET`, else `$XDG_RUNTIME_DIR/agentd/agentd.sock`, else `/tmp/agentd-UID/agentd.sock`.
    public static func socketPath(environment: [String: String], uid: UInt32) -> String {
        if let explicit = environment["AGENTD_SOCKET"], !explicit.isEmpty { return explicit }
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty { return runtime + "/agentd/agentd.sock" }
        return "/tmp/agentd-\(uid)/agentd.sock"
    }

    /// `$XDG_STATE_HOME/agentd`, else `$HOME/.local/state/agentd`, else `/tmp/agentd-UID/state`.
    public static func stateDirectory(environment: [String: String], uid: UInt32) -> String {
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty { return state + "/agentd" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.local/state/agentd" }
        return "/tmp/agentd-\(uid)/state"
    }
}
