import AgentModel

/// One tool the model can call; add a tool by adding one conforming type and listing it in ``BuiltinTools``.
public protocol Tool: Sendable {
    /// The function name the model calls (unique within a ``BuiltinTools``).
    var name: String { get }
    /// The Responses API function-tool definition sent upstream.
    var definition: JSONValue { get }
    /// Whether running the same call twice is harmless (used when recovering a run whose call may have run).
    var isIdempotent: Bool { get }
    /// Runs one call; bad arguments and failures come back as an error output, never a throw.
    ///
    /// - Parameters:
    ///   - arguments: the model's arguments, as JSON text.
    ///   - context: the call's working directory, environment and limits.
    func run(arguments: String, context: ToolContext) async -> ToolOutcome
    /// Runs one call the model made with the tool's built-in Responses type (`shell_call`, `apply_patch_call`).
    ///
    /// - Parameters:
    ///   - input: the item's `action` or `operation` object, as JSON text.
    ///   - kind: the item type; the outcome's output is what ``AgentModel/Items`` puts in the matching output item.
    ///   - context: as for ``run(arguments:context:)``.
    func runNative(_ input: String, kind: ToolCallKind, context: ToolContext) async -> ToolOutcome
}

extension Tool {
    /// Tools without a built-in Responses type refuse native calls.
    public func runNative(_ input: String, kind: ToolCallKind, context: ToolContext) async -> ToolOutcome {
        ToolOutput.error("the tool '\(name)' cannot be called as a \(kind.rawValue)")
    }
}

/// What a tool call runs with.
public struct ToolContext: Sendable {
    /// The upstream call id.
    public var callID: String
    /// The run's working directory.
    public var cwd: String
    /// The environment for child processes, already filtered by ``EnvironmentPolicy``.
    public var environment: [String: String]
    /// Limits for this call.
    public var limits: ToolLimits
    /// Runs child processes.
    public var runner: ProcessRunner

    /// Creates a context.
    public init(
        callID: String, cwd: String, environment: [String: String], limits: ToolLimits,
        runner: ProcessRunner = ProcessRunner()
    ) {
        self.callID = callID
        self.cwd = cwd
        self.environment = environment
        self.limits = limits
        self.runner = runner
    }
}
