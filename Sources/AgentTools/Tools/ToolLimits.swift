/// Limits every built-in tool call runs under.
public struct ToolLimits: Sendable, Hashable {
    /// Wall-clock limit when the call names none.
    public var defaultTimeout: Duration
    /// The largest wall-clock limit a call may ask for.
    public var maxTimeout: Duration
    /// Time between SIGTERM and SIGKILL on timeout or cancellation.
    public var killGrace: Duration
    /// How long output is still read after the shell exited (see ``ProcessRequest/drainGrace``).
    public var drainGrace: Duration
    /// How much of stdout and of stderr the model sees.
    public var capture: CaptureLimits
    /// Which environment variables reach child processes.
    public var environment: EnvironmentPolicy
    /// Kernel resource limits for child processes.
    public var resourceLimits: ResourceLimits
    /// Directories the file tools may reach besides the run's working directory (relative ones are taken from it).
    public var workspaceRoots: [String]
    /// Whether the file tools refuse paths that resolve (symlinks included) outside the workspace roots.
    public var confineToWorkspace: Bool
    /// Output and size caps for the file tools.
    public var files: FileToolLimits
    /// When set, `shell` and command tools run inside this sandbox (`tools.sandbox`, see ``SandboxChoice``).
    public var sandbox: BubblewrapSandbox? = nil

    /// Creates limits; the defaults are the daemon's defaults.
    public init(
        defaultTimeout: Duration = .seconds(120),
        maxTimeout: Duration = .seconds(600),
        killGrace: Duration = .seconds(2),
        drainGrace: Duration = .milliseconds(500),
        capture: CaptureLimits = CaptureLimits(),
        environment: EnvironmentPolicy = EnvironmentPolicy(),
        resourceLimits: ResourceLimits = ResourceLimits(),
        workspaceRoots: [String] = [],
        confineToWorkspace: Bool = true,
        files: FileToolLimits = FileToolLimits()
    ) {
        self.defaultTimeout = defaultTimeout
        self.maxTimeout = maxTimeout
        self.killGrace = killGrace
        self.drainGrace = drainGrace
        self.capture = capture
        self.environment = environment
        self.resourceLimits = resourceLimits
        self.workspaceRoots = workspaceRoots
        self.confineToWorkspace = confineToWorkspace
        self.files = files
    }
}

extension ToolLimits {
    /// The directories a sandboxed call may write: the working directory first, then the workspace roots
    /// (relative ones taken from it).
    func writableDirectories(cwd: String) -> [String] {
        [cwd] + workspaceRoots.map { $0.hasPrefix("/") ? $0 : cwd + "/" + $0 }
    }
}
