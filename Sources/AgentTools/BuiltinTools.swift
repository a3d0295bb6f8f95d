import AgentModel
import Foundation

/// The daemon's tool executor: the built-in tools (`shell` as a child process, the file tools in-process) under
/// ``ToolLimits``.
public struct BuiltinTools: ToolExecutor {
    /// The limits every call runs under.
    public let limits: ToolLimits
    private let tools: [String: any Tool]
    private let childEnvironment: [String: String]
    private let runner: ProcessRunner

    /// Creates an executor.
    ///
    /// - Parameters:
    ///   - limits: timeouts, output caps, environment policy, resource limits.
    ///   - tools: the available tools; `nil` means ``standardTools(limits:)``. On duplicate names the first wins.
    ///   - baseEnvironment: the environment the child environment is filtered from (the daemon's by default).
    public init(
        limits: ToolLimits = ToolLimits(),
        tools: [any Tool]? = nil,
        baseEnvironment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.limits = limits
        let list = tools ?? Self.standardTools(limits: limits)
        self.tools = Dictionary(list.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.childEnvironment = limits.environment.childEnvironment(from: baseEnvironment)
        self.runner = ProcessRunner()
    }

    /// Every built-in tool: `shell`, `read_file`, `list_dir`, `search`, `write_file` and `apply_patch`.
    ///
    /// Which of them a run offers the model is the run's tool list (from config), not this set.
    ///
    /// - Parameter limits: sets the caps the definitions advertise.
    public static func standardTools(limits: ToolLimits = ToolLimits()) -> [any Tool] {
        [
            ShellTool(limits: limits), ReadFileTool(limits: limits), ListDirTool(limits: limits),
            SearchTool(limits: limits), WriteFileTool(), ApplyPatchTool(),
        ]
    }

    /// The names of the available tools, sorted.
    public var toolNames: [String] { tools.keys.sorted() }

    /// How this executor's calls are contained: in the sandbox, in per-call cgroups, or best effort.
    public var containment: ContainmentMode { ContainmentMode(sandbox: limits.sandbox, escapes: runner.containment) }

    /// The environment child processes get.
    public var environment: [String: String] { childEnvironment }

    public func definitions(for names: [String]) throws -> [JSONValue] {
        try names.map { name in
            guard let tool = tools[name] else {
                throw ToolFailure(
                    message: "unknown tool '\(name)'; available: \(toolNames.joined(separator: ", "))")
            }
            return tool.definition
        }
    }

    public func execute(_ call: ToolInvocation) async -> ToolOutcome {
        guard let tool = tools[call.name] else {
            return ToolOutput.error("unknown tool '\(call.name)'")
        }
        let context = ToolContext(
            callID: call.callID, cwd: call.cwd, environment: childEnvironment, limits: limits, runner: runner)
        if call.kind != .function { return await tool.runNative(call.arguments, kind: call.kind, context: context) }
        return await tool.run(arguments: call.arguments, context: context)
    }

    /// Whether a call of the named tool may safely run twice; unknown tools are not idempotent.
    public func isIdempotent(_ name: String) -> Bool {
        tools[name]?.isIdempotent ?? false
    }
}
