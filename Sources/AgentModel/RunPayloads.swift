/// Payload of `run.started`: everything needed to run, and to rebuild, the run.
public struct RunStarted: Codable, Hashable, Sendable {
    public var model: String
    public var prompt: String
    public var instructions: String?
    public var cwd: String
    public var tools: [String]
    public var client: String?

    public init(model: String, prompt: String, instructions: String?, cwd: String, tools: [String], client: String?) {
        self.model = model
        self.prompt = prompt
        self.instructions = instructions
        self.cwd = cwd
        self.tools = tools
        self.client = client
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

    public init(callID: String, name: String, arguments: String, cwd: String) {
        self.callID = callID
        self.name = name
        self.arguments = arguments
        self.cwd = cwd
    }

    enum CodingKeys: String, CodingKey {
        case callID = "call_id"
        case name, arguments, cwd
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
    }
}
