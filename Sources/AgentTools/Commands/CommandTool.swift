import AgentModel

/// A ``CommandToolSpec`` as a ``Tool``: validates the arguments against the schema, fills the argv and runs the
/// program directly (no shell parses anything), under the same limits, containment and output caps as `shell`.
///
/// The model receives the same JSON as from `shell`: `exit_code`, `stdout`, `stderr`, `signal`, `timed_out`.
public struct CommandTool: Tool {
    public let spec: CommandToolSpec

    /// Creates the tool; check ``CommandToolSpec/problems()`` first.
    public init(spec: CommandToolSpec) { self.spec = spec }

    public var name: String { spec.name }
    public var isIdempotent: Bool { spec.isIdempotent }

    public var definition: JSONValue {
        [
            "type": "function",
            "name": .string(spec.name),
            "description": .string(spec.description),
            "parameters": spec.parameters,
            // Strict mode would demand every property in `required`; optional parameters are validated here.
            "strict": false,
        ]
    }

    public func run(arguments: String, context: ToolContext) async -> ToolOutcome {
        let argv: [String]
        do {
            let members = try ToolOutput.object(from: arguments).get()
            let values = try ArgumentSchema(schema: spec.parameters).validate(members)
            argv = try ArgvTemplate.render(spec.argv, values: values)
        } catch let error as ArgumentError {
            return error.outcome
        } catch {
            return ToolOutput.error("invalid arguments: \(error)")
        }
        var request = ProcessRequest(
            command: "",
            workingDirectory: context.cwd,
            environment: context.environment,
            timeout: min(spec.timeout ?? context.limits.defaultTimeout, context.limits.maxTimeout),
            killGrace: context.limits.killGrace,
            drainGrace: context.limits.drainGrace,
            capture: context.limits.capture,
            resourceLimits: context.limits.resourceLimits
        )
        request.argv = argv
        do {
            if let sandbox = context.limits.sandbox {
                // Resolved here, in the child's PATH, so a missing program is still `programNotFound`.
                let program = try ExecutableLookup.program(for: request)
                request.argv = sandbox.argv(
                    program: [program] + argv.dropFirst(), writable: context.limits.writableDirectories(cwd: context.cwd))
            }
            return ShellTool.outcome(of: try await context.runner.run(request))
        } catch {
            return ToolOutput.error(error.message)
        }
    }
}
