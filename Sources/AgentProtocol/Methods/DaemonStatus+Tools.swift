extension DaemonStatus {
    /// How the daemon runs tool processes (`tools` in the result of `daemon/status`).
    public struct Tools: Codable, Sendable, Hashable {
        /// `sandbox` (bubblewrap with a private pid namespace), `cgroup` (a cgroup v2 per call) or `best-effort`
        /// (process group and marker sweep): see docs/operations.md, "What a tool can reach".
        public var containment: String
        /// `bwrap` when `shell` and command tools run in bubblewrap, else `none`.
        public var sandbox: String
        /// Why bubblewrap cannot run here (absent when it can).
        public var sandboxUnavailable: String?
        /// Exited orphans of tool calls the daemon has reaped since it started.
        public var orphansReaped: Int

        /// Creates the value.
        public init(containment: String, sandbox: String, sandboxUnavailable: String? = nil, orphansReaped: Int) {
            self.containment = containment
            self.sandbox = sandbox
            self.sandboxUnavailable = sandboxUnavailable
            self.orphansReaped = orphansReaped
        }

        enum CodingKeys: String, CodingKey {
            case containment, sandbox
            case sandboxUnavailable = "sandbox_unavailable"
            case orphansReaped = "orphans_reaped"
        }
    }
}
