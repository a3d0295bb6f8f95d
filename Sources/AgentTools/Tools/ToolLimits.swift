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

    /// Creates limits; the defaults are the daemon's defaults.
    public init(
        defaultTimeout: Duration = .seconds(120),
        maxTimeout: Duration = .seconds(600),
        killGrace: Duration = .seconds(2),
        drainGrace: Duration = .milliseconds(500),
        capture: CaptureLimits = CaptureLimits(),
        environment: EnvironmentPolicy = EnvironmentPolicy(),
        resourceLimits: ResourceLimits = ResourceLimits()
    ) {
        self.defaultTimeout = defaultTimeout
        self.maxTimeout = maxTimeout
        self.killGrace = killGrace
        self.drainGrace = drainGrace
        self.capture = capture
        self.environment = environment
        self.resourceLimits = resourceLimits
    }
}
