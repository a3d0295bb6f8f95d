/// What to run and under which limits: one `/bin/sh -c` command in its own process group.
public struct ProcessRequest: Sendable, Hashable {
    /// The shell command, run as `/bin/sh -c command`.
    public var command: String
    /// The child's working directory; it must exist.
    public var workingDirectory: String
    /// The child's complete environment (nothing is inherited; see ``EnvironmentPolicy``).
    public var environment: [String: String]
    /// Wall-clock limit; on expiry the process group gets SIGTERM, then SIGKILL after ``killGrace``.
    public var timeout: Duration
    /// Time between SIGTERM and SIGKILL when the timeout expires or the task is cancelled.
    public var killGrace: Duration
    /// How long to keep reading after the shell exited and its group and escaped processes were killed, for
    /// writers that are still dying; after it the pipes are abandoned.
    public var drainGrace: Duration
    /// How much of each stream is kept.
    public var capture: CaptureLimits
    /// Resource limits for the child (applied before the command starts; see ``ResourceLimits``).
    public var resourceLimits: ResourceLimits
    /// When set, this program and arguments run directly instead of `/bin/sh -c command` (no shell parses them);
    /// a first element without `/` is looked up in the `PATH` of ``environment``.
    public var argv: [String]? = nil

    /// Creates a request; the defaults match ``ToolLimits``'s defaults.
    public init(
        command: String,
        workingDirectory: String,
        environment: [String: String],
        timeout: Duration = .seconds(120),
        killGrace: Duration = .seconds(2),
        drainGrace: Duration = .milliseconds(500),
        capture: CaptureLimits = CaptureLimits(),
        resourceLimits: ResourceLimits = ResourceLimits()
    ) {
        self.command = command
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.timeout = timeout
        self.killGrace = killGrace
        self.drainGrace = drainGrace
        self.capture = capture
        self.resourceLimits = resourceLimits
    }
}

/// How much of one output stream is kept: the first `headBytes` and the last `tailBytes`; the rest is counted.
public struct CaptureLimits: Sendable, Hashable {
    /// The default of ``fullBytes``: 4 MiB per stream.
    public static let defaultFullBytes = 4 << 20

    public var headBytes: Int
    public var tailBytes: Int
    /// The largest stream kept in full (for the ledger's blob table) when the model sees only its head and tail;
    /// a longer stream keeps only its head and tail. The memory a running call may hold per stream.
    public var fullBytes: Int

    /// Creates limits; negative values count as zero.
    public init(headBytes: Int = 16 * 1024, tailBytes: Int = 16 * 1024, fullBytes: Int = defaultFullBytes) {
        self.headBytes = max(0, headBytes)
        self.tailBytes = max(0, tailBytes)
        self.fullBytes = max(0, fullBytes)
    }
}
