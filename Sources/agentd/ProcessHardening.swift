import CAgentSupport

/// What agentd does to its own process before anything else runs, so tool processes (same user) cannot lift the
/// upstream key from it.
enum ProcessHardening {
    /// Environment variables holding secrets: read once into the daemon's memory, then gone from its environment.
    static let secretVariables = ["OPENAI_API_KEY"]

    /// Marks the process non-dumpable (another process of the same user can no longer read `/proc/<agentd>/mem`,
    /// `environ` or attach a debugger) and wipes the secret variables from the environment block, whose bytes
    /// `/proc/<agentd>/environ` shows to anyone allowed to read it (root included) even after `unsetenv`.
    ///
    /// Call at the start of `main`, after the environment was copied and before other threads read it.
    static func apply() {
        _ = agent_set_non_dumpable()
        for name in secretVariables { _ = agent_scrub_environment_variable(name) }
    }
}
