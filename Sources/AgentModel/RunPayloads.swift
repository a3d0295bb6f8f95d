/// Payload of `run.started`: everything needed to run, and to rebuild, the run.
public struct RunStarted: Codable, Hashable, Sendable {
    public var model: String
    public var prompt: String
    public var instructions: String?
    public var cwd: String
    public var tools: [String]
    public var client: String?
    /// Tools whose calls wait for a person's approval in this run.
    public var requireApproval: [String]?
    /// The run's reasoning effort (`--effort`), if it set one.
    public var effort: String? = nil
    /// The run's `max_output_tokens`, if it set one.
    public var maxOutputTokens: Int? = nil
    /// How the run offers `shell` and `apply_patch` (resolved from `tool_format` when the run started); absent in
    /// ledgers written before native tools, which offered function tools only.
    public var toolFormat: ToolFormat? = nil

    public init(
        model: String, prompt: String, instructions: String?, cwd: String, tools: [String], client: String?,
        requireApproval: [String]? = nil
    ) {
        self.model = model
        self.prompt = prompt
        self.instructions = instructions
        self.cwd = cwd
        self.tools = tools
        self.client = client
        self.requireApproval = requireApproval
    }

    enum CodingKeys: String, CodingKey {
        case model, prompt, instructions, cwd, tools, client
        case requireApproval = "require_approval"
        case effort
        case maxOutputTokens = "max_output_tokens"
        case toolFormat = "tool_format"
    }
}

/// Payload of `run.completed`, `run.failed`, `run.cancelled` and `run.interrupted`.
public struct RunEnded: Codable, Hashable, Sendable {
    public var reason: String?
    public var code: String?

    public init(reason: String? = nil, code: String? = nil) {
        self.reason = reason
        self.code = code
    }
}

/// Payload of `run.chain_reset`: why the next request restarts the chain with the full conversation.
public struct ChainReset: Codable, Hashable, Sendable {
    public var reason: String

    public init(reason: String) { self.reason = reason }
}

/// Payload of `tool.started`: the intent, committed before the tool runs.
public struct ToolStarted: Codable, Hashable, Sendable {
    public var callID: String
    public var name: String
    public var arguments: String
    public var cwd: String
    /// The item type of a native call (`shell_call`, `apply_patch_call`; then ``arguments`` is its `action` or
    /// `operation`); absent for a `function_call`.
    public var kind: ToolCallKind?

    public init(callID: String, name: String, arguments: String, cwd: String, kind: ToolCallKind? = nil) {
        self.callID = callID
        self.name = name
        self.arguments = arguments
        self.cwd = cwd
        self.kind = kind
    }

    enum CodingKeys: String, CodingKey {
        case callID = "call_id"
        case name, arguments, cwd, kind
    }
}

/// Payload of `tool.finished`: the outcome, and the exact output text the model receives.
public struct ToolFinished: Codable, Hashable, Sendable {
    public var callID: String
    public var exitCode: Int32?
    public var durationMillis: Double
    public var output: String
    public var timedOut: Bool
    public var truncatedBytes: Int
    /// The SHA-256 of the full standard output in the ledger's blob table, when the model saw only an excerpt of
    /// it (absent in ledgers written before `v3-tool-output-blobs`, and when the stream was not cut).
    public var stdoutSHA256: String?
    /// The full standard output's size in bytes, with ``stdoutSHA256``.
    public var stdoutBytes: Int?
    /// The SHA-256 of the full standard error in the blob table, as ``stdoutSHA256``.
    public var stderrSHA256: String?
    /// The full standard error's size in bytes, with ``stderrSHA256``.
    public var stderrBytes: Int?
    /// `true` when the run was cancelled (`cancel --now`) while the call ran and agentd killed it; absent otherwise.
    public var cancelled: Bool?

    public init(
        callID: String, exitCode: Int32?, durationMillis: Double, output: String, timedOut: Bool, truncatedBytes: Int
    ) {
        self.callID = callID
        self.exitCode = exitCode
        self.durationMillis = durationMillis
        self.output = output
        self.timedOut = timedOut
        self.truncatedBytes = truncatedBytes
    }

    enum CodingKeys: String, CodingKey {
        case callID = "call_id"
        case exitCode = "exit_code"
        case durationMillis = "duration_ms"
        case output
        case timedOut = "timed_out"
        case truncatedBytes = "truncated_bytes"
        case stdoutSHA256 = "stdout_sha256"
        case stdoutBytes = "stdout_bytes"
        case stderrSHA256 = "stderr_sha256"
        case stderrBytes = "stderr_bytes"
        case cancelled
    }
}

/// Payload of `approval.requested`.
public struct ApprovalRequested: Codable, Hashable, Sendable {
    /// Why a person must decide.
    public enum Reason: String, Codable, Sendable {
        /// The tool requires approval (configuration or the run's `--require-approval`).
        case policy
        /// The call started before a crash and did not finish: it may or may not have had its effect.
        case uncertain
        /// The run made `run.max_tool_calls` calls: approving lets it go on (with as many again), denying ends it.
        case toolCallLimit = "tool_call_limit"
    }

    public var callID: String
    public var name: String
    public var arguments: String
    public var reason: Reason

    public init(callID: String, name: String, arguments: String, reason: Reason) {
        self.callID = callID
        self.name = name
        self.arguments = arguments
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case callID = "call_id"
        case name, arguments, reason
    }
}

/// Payload of `approval.resolved`: the decision and who made it.
public struct ApprovalResolved: Codable, Hashable, Sendable {
    public var callID: String
    public var approved: Bool
    public var reason: String?
    /// The deciding client's name, from `initialize`.
    public var client: String?
    /// The deciding peer's uid, from the socket's credentials.
    public var uid: UInt32?
    /// The deciding peer's pid, from the socket's credentials: which of two terminals decided.
    public var pid: Int32?
    /// The deciding process's controlling terminal (`pts/3`), when it had one.
    public var tty: String?

    public init(
        callID: String, approved: Bool, reason: String?, client: String?, uid: UInt32?, pid: Int32? = nil,
        tty: String? = nil
    ) {
        self.callID = callID
        self.approved = approved
        self.reason = reason
        self.client = client
        self.uid = uid
        self.pid = pid
        self.tty = tty
    }

    enum CodingKeys: String, CodingKey {
        case callID = "call_id"
        case approved, reason, client, uid, pid, tty
    }
}

/// Payload of `input.added`.
public struct InputAdded: Codable, Hashable, Sendable {
    /// The client-chosen id that makes a retried call harmless.
    public var inputID: String
    public var text: String
    public var client: String?

    public init(inputID: String, text: String, client: String?) {
        self.inputID = inputID
        self.text = text
        self.client = client
    }

    enum CodingKeys: String, CodingKey {
        case inputID = "input_id"
        case text, client
    }
}

/// Payload of `tool.abandoned`: a call of an idempotent tool was cut short by a stop or a crash and will run again.
public struct ToolAbandoned: Codable, Hashable, Sendable {
    public var callID: String
    public var reason: String

    public init(callID: String, reason: String) {
        self.callID = callID
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case callID = "call_id"
        case reason
    }
}
