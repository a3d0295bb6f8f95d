/// `tools.sandbox`: whether `shell` and command tools run inside bubblewrap.
public enum SandboxChoice: String, Sendable, Hashable, CaseIterable {
    /// bubblewrap when ``BubblewrapSandbox/probe(executable:)`` says it works here, else none (the default).
    case auto
    /// Always bubblewrap; the daemon refuses to start where it cannot run.
    case bwrap
    /// Never.
    case none

    /// The sandbox to use, given the start-up probe's answer.
    ///
    /// - Parameter probed: what the probe found; `nil` when it was not run (then `auto` uses none).
    /// - Returns: the sandbox, or `nil` to run tools directly. For ``bwrap`` a sandbox even when the probe failed:
    ///   the caller refuses that configuration before it gets here.
    public func sandbox(probed: Result<BubblewrapSandbox, SandboxUnavailable>?) -> BubblewrapSandbox? {
        switch self {
        case .none: nil
        case .bwrap: (try? probed?.get()) ?? BubblewrapSandbox()
        case .auto: try? probed?.get()
        }
    }
}
