import AgentModel

/// The built-in `shell` tool: runs `/bin/sh -c cmd` in the run's working directory.
///
/// The model receives JSON with sorted keys (``JSONCoding``): `{"exit_code":3,"stderr":"…","stdout":"…"}`, plus
/// `"signal":"SIGTERM"` when a signal ended the shell (then `exit_code` is `128 + signal`, as `$?` would show) and
/// `"timed_out":true` when the timeout fired. Each stream shows at most its head and tail with a
/// `\n[… N bytes cut …]\n` line between them.
///
/// The definition uses `"strict": false`: strict mode requires every property in `required`, which would force
/// the model to send `timeout_ms` on every call (as `null`); optional properties read better and the arguments
/// are validated here anyway.
public struct ShellTool: Tool {
    /// The largest `timeout_ms` the definition advertises; keep it equal to ``ToolLimits/maxTimeout``.
    public let maxTimeoutMillis: Int

    /// Creates the tool; `limits` only sets the range the definition advertises.
    public init(limits: ToolLimits = ToolLimits()) {
        maxTimeoutMillis = Int(limits.maxTimeout.millis)
    }

    public var name: String { "shell" }
    public var isIdempotent: Bool { false }

    public var definition: JSONValue {
        [
            "type": "function",
            "name": "shell",
            "description": .string(
                "Run a command with /bin/sh -c in the run's working directory and return its stdout, stderr and "
                    + "exit code."),
            "parameters": [
                "type": "object",
                "properties": [
                    "cmd": [
                        "type": "string",
                        "description": .string(
                            "The shell command. Long output is cut in the middle; redirect it to a file and read "
                                + "parts if you need all of it."),
                    ],
                    "timeout_ms": [
                        "type": "integer",
                        "description": .string(
                            "Wall-clock limit in milliseconds, 1 to \(maxTimeoutMillis); the process group is killed "
                                + "when it expires. Defaults to the daemon's setting."),
                    ],
                ],
                "required": ["cmd"],
                "additionalProperties": false,
            ],
            "strict": false,
        ]
    }

    public func run(arguments: String, context: ToolContext) async -> ToolOutcome {
        let parsed: Arguments
        switch Arguments.parse(arguments, limits: context.limits) {
        case .success(let value): parsed = value
        case .failure(let error): return error.outcome
        }
        let request = Self.request(command: parsed.cmd, timeout: parsed.timeout, context: context)
        let result: ProcessResult
        do {
            result = try await context.runner.run(request)
        } catch {
            return ToolOutput.error(error.message)
        }
        return Self.outcome(of: result)
    }

    /// The process that runs `command` for a call: `/bin/sh -c` in the run's directory, in the sandbox if any.
    static func request(command: String, timeout: Duration?, context: ToolContext) -> ProcessRequest {
        var request = ProcessRequest(
            command: command,
            workingDirectory: context.cwd,
            environment: context.environment,
            timeout: timeout ?? context.limits.defaultTimeout,
            killGrace: context.limits.killGrace,
            drainGrace: context.limits.drainGrace,
            capture: context.limits.capture,
            resourceLimits: context.limits.resourceLimits
        )
        if let sandbox = context.limits.sandbox {
            request.argv = sandbox.argv(command: command, writable: context.limits.writableDirectories(cwd: context.cwd))
        }
        return request
    }

    /// The outcome the model sees for a finished process.
    static func outcome(of result: ProcessResult) -> ToolOutcome {
        let stdout = result.stdout.rendered()
        let stderr = result.stderr.rendered()
        let payload = Payload(
            exitCode: result.termination.shellStatus,
            signal: result.termination.signalName,
            stderr: stderr.text,
            stdout: stdout.text,
            timedOut: result.timedOut ? true : nil
        )
        let text = (try? JSONCoding.encode(payload)) ?? #"{"error":"internal error"}"#
        var outcome = ToolOutcome(
            exitCode: result.termination.exitCode,
            output: text,
            durationMillis: result.durationMillis,
            timedOut: result.timedOut,
            truncatedBytes: stdout.cutBytes + stderr.cutBytes
        )
        // The streams the model saw cut, in full (within the capture's cap), for the ledger's blob table.
        outcome.fullStdout = result.stdout.full
        outcome.fullStderr = result.stderr.full
        return outcome
    }

    // Optional members are left out of the JSON when nil.
    private struct Payload: Encodable {
        var exitCode: Int32
        var signal: String?
        var stderr: String
        var stdout: String
        var timedOut: Bool?

        enum CodingKeys: String, CodingKey {
            case exitCode = "exit_code"
            case signal, stderr, stdout
            case timedOut = "timed_out"
        }
    }

    struct Arguments: Hashable {
        var cmd: String
        var timeout: Duration?

        static func parse(_ text: String, limits: ToolLimits) -> Result<Arguments, ArgumentError> {
            let members: [String: JSONValue]
            switch ToolOutput.object(from: text) {
            case .success(let value): members = value
            case .failure(let error): return .failure(error)
            }
            if let unknown = members.keys.sorted().first(where: { $0 != "cmd" && $0 != "timeout_ms" }) {
                return .failure(ArgumentError("unknown argument '\(unknown)'"))
            }
            guard let cmd = members["cmd"]?.stringValue else {
                return .failure(ArgumentError("'cmd' must be a string"))
            }
            guard !cmd.isEmpty else { return .failure(ArgumentError("'cmd' must not be empty")) }
            guard !cmd.utf8.contains(0) else { return .failure(ArgumentError("'cmd' must not contain NUL characters")) }
            let maxMillis = Int(limits.maxTimeout.millis)
            var timeout: Duration?
            switch members["timeout_ms"] {
            case nil, .null?:
                break
            case .number(let value)?:
                guard value.rounded() == value, value >= 1, value <= Double(maxMillis) else {
                    return .failure(ArgumentError("'timeout_ms' must be an integer from 1 to \(maxMillis)"))
                }
                timeout = .milliseconds(Int(value))
            default:
                return .failure(ArgumentError("'timeout_ms' must be an integer from 1 to \(maxMillis)"))
            }
            return .success(Arguments(cmd: cmd, timeout: timeout))
        }
    }
}
