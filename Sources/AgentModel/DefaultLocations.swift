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

    /// The configuration file agentd reads without `--config`: the first of `$XDG_CONFIG_HOME/agentd/agentd.toml`
    /// (`$HOME/.config/agentd/agentd.toml` when XDG_CONFIG_HOME is unset, as the XDG spec says) and
    /// `/etc/agentd/agentd.toml` for which `exists` holds, else nil (built-in defaults).
    public static func configFile(environment: [String: String], exists: (String) -> Bool) -> String? {
        var candidates: [String] = []
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty {
            candidates.append(config + "/agentd/agentd.toml")
        }
        if let home = environment["HOME"], !home.isEmpty { candidates.append(home + "/.config/agentd/agentd.toml") }
        candidates.append("/etc/agentd/agentd.toml")
        return candidates.first(where: exists)
    }
}
