import AgentModel

extension ShellTool {
    /// Runs the `action` of a `shell_call`: `{"commands": [str], "timeout_ms"?, "max_output_length"?}`.
    ///
    /// Each command runs in order with `/bin/sh -c` in the run's directory, like a function call of `shell`, and
    /// whatever its exit status. `timeout_ms` (at most ``ToolLimits/maxTimeout``, which a larger value is cut to;
    /// the daemon's default when absent) bounds the whole call: a command still running when it expires is killed,
    /// and the commands after it are not started (their entries say so, with a `timeout` outcome).
    /// `max_output_length` caps the characters of each command's stdout and stderr together (head and tail kept).
    ///
    /// The output is the JSON array of the `shell_call_output` item's `output`: one
    /// `{"stdout", "stderr", "outcome": {"type": "exit", "exit_code"} | {"type": "timeout"}}` per command. The
    /// outcome's exit code is the last command's.
    public func runNative(_ input: String, kind: ToolCallKind, context: ToolContext) async -> ToolOutcome {
        guard kind == .shell else { return ToolOutput.error("the shell tool cannot be called as a \(kind.rawValue)") }
        let action: Action
        switch Action.parse(input, limits: context.limits) {
        case .success(let value): action = value
        case .failure(let error): return error.outcome
        }
        let clock = ContinuousClock()
        let deadline = clock.now + (action.timeout ?? context.limits.defaultTimeout)
        var entries: [JSONValue] = []
        var outcome = ToolOutcome(exitCode: nil, output: "", durationMillis: 0, timedOut: false, truncatedBytes: 0)
        var results: [ProcessResult] = []
        for command in action.commands {
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero, !outcome.timedOut, !Task.isCancelled else {
                let why = Task.isCancelled ? "the call was cancelled" : "the call's timeout expired before it started"
                entries.append(Self.entry(stdout: "", stderr: "not run: \(why)", outcome: ["type": "timeout"]))
                continue
            }
            let result: ProcessResult
            do {
                result = try await context.runner.run(Self.request(command: command, timeout: remaining, context: context))
            } catch {
                entries.append(Self.entry(stdout: "", stderr: error.message, outcome: ["type": "exit", "exit_code": 127]))
                outcome.exitCode = 127
                continue
            }
            results.append(result)
            let stdout = result.stdout.rendered()
            let stderr = result.stderr.rendered()
            let (shownOut, shownErr) = Self.capped(stdout.text, stderr.text, to: action.maxOutputLength)
            let status: JSONValue =
                result.timedOut
                ? ["type": "timeout"] : ["type": "exit", "exit_code": .number(Double(result.termination.shellStatus))]
            entries.append(Self.entry(stdout: shownOut, stderr: shownErr, outcome: status))
            outcome.exitCode = result.termination.exitCode
            outcome.timedOut = outcome.timedOut || result.timedOut
            outcome.truncatedBytes += stdout.cutBytes + stderr.cutBytes
        }
        outcome.output = (try? JSONCoding.encode(JSONValue.array(entries))) ?? "[]"
        outcome.durationMillis = results.reduce(0) { $0 + $1.durationMillis }
        if results.count == 1 {
            // The ledger's blob table keeps one full stdout and stderr per call.
            outcome.fullStdout = results[0].stdout.full
            outcome.fullStderr = results[0].stderr.full
        }
        return outcome
    }

    private static func entry(stdout: String, stderr: String, outcome: JSONValue) -> JSONValue {
        ["stdout": .string(stdout), "stderr": .string(stderr), "outcome": outcome]
    }

    /// `stdout` and `stderr` cut to `limit` characters together (stderr keeps up to half when both are long),
    /// each keeping its head and tail around a `[… N characters cut …]` line.
    static func capped(_ stdout: String, _ stderr: String, to limit: Int?) -> (String, String) {
        guard let limit, stdout.count + stderr.count > limit else { return (stdout, stderr) }
        let errorBudget = min(stderr.count, max(limit / 2, limit - stdout.count))
        let outputBudget = limit - errorBudget
        return (cut(stdout, to: outputBudget), cut(stderr, to: errorBudget))
    }

    private static func cut(_ text: String, to budget: Int) -> String {
        guard text.count > budget else { return text }
        let head = budget / 2
        let tail = budget - head
        return String(text.prefix(head)) + "\n[… \(text.count - budget) characters cut …]\n" + String(text.suffix(tail))
    }

    /// The `action` of a `shell_call`, checked.
    struct Action: Hashable {
        var commands: [String]
        var timeout: Duration?
        var maxOutputLength: Int?

        static func parse(_ text: String, limits: ToolLimits) -> Result<Action, ArgumentError> {
            let members: [String: JSONValue]
            switch ToolOutput.object(from: text) {
            case .success(let value): members = value
            case .failure(let error): return .failure(error)
            }
            guard let list = members["commands"]?.arrayValue, !list.isEmpty else {
                return .failure(ArgumentError("'commands' must be a non-empty array of strings"))
            }
            var commands: [String] = []
            for item in list {
                guard let command = item.stringValue, !command.isEmpty, !command.utf8.contains(0) else {
                    return .failure(ArgumentError("every command must be a non-empty string without NUL characters"))
                }
                commands.append(command)
            }
            var action = Action(commands: commands)
            switch members["timeout_ms"] {
            case nil, .null?: break
            case .number(let value)? where value.rounded() == value && value >= 1:
                // A model may ask for more than the daemon allows: it gets the maximum, not a refusal.
                action.timeout = min(.milliseconds(Int(min(value, 1e12))), limits.maxTimeout)
            default: return .failure(ArgumentError("'timeout_ms' must be a positive integer"))
            }
            switch members["max_output_length"] {
            case nil, .null?: break
            case .number(let value)? where value.rounded() == value && value >= 0:
                action.maxOutputLength = Int(min(value, 1e12))
            default: return .failure(ArgumentError("'max_output_length' must be a non-negative integer"))
            }
            return .success(action)
        }
    }
}
