/// Runs the tools a model asks for (implemented by `AgentTools`).
public protocol ToolExecutor: Sendable {
    /// The function-tool definitions (Responses API `tools` entries) for the named tools.
    ///
    /// - Throws: ``ToolFailure`` naming the first unknown tool.
    func definitions(for names: [String]) throws -> [JSONValue]

    /// Runs one call and returns its outcome; bad arguments come back as an error output, not a throw.
    func execute(_ call: ToolInvocation) async -> ToolOutcome

    /// Whether a call of the named tool may safely run twice: after a crash cut such a call short, it runs
    /// again instead of waiting for a person to decide.
    func isIdempotent(_ name: String) -> Bool
}

extension ToolExecutor {
    /// Unknown to the executor means not idempotent.
    public func isIdempotent(_ name: String) -> Bool { false }
}

/// One tool call to execute.
public struct ToolInvocation: Hashable, Sendable {
    public var callID: String
    public var name: String
    /// The model's arguments, as JSON text.
    public var arguments: String
    /// Working directory of the run.
    public var cwd: String
    /// The item type the call came as: for `shell_call` and `apply_patch_call`, ``arguments`` is the item's
    /// `action` or `operation` object as JSON text.
    public var kind: ToolCallKind

    public init(callID: String, name: String, arguments: String, cwd: String, kind: ToolCallKind = .function) {
        self.callID = callID
        self.name = name
        self.arguments = arguments
        self.cwd = cwd
        self.kind = kind
    }
}

/// What a tool call produced.
public struct ToolOutcome: Hashable, Sendable {
    /// The process exit code, or `nil` when the tool never ran or was killed by a signal.
    public var exitCode: Int32?
    /// The text the model receives as the call's output.
    public var output: String
    public var durationMillis: Double
    public var timedOut: Bool
    /// Bytes of output cut before the model saw it.
    public var truncatedBytes: Int
    /// Every byte of standard output, when the model's excerpt left some out and the stream fit the tool's
    /// ledger cap; the ledger keeps it in its blob table.
    public var fullStdout: [UInt8]?
    /// Every byte of standard error, as ``fullStdout``.
    public var fullStderr: [UInt8]?

    public init(exitCode: Int32?, output: String, durationMillis: Double, timedOut: Bool, truncatedBytes: Int) {
        self.exitCode = exitCode
        self.output = output
        self.durationMillis = durationMillis
        self.timedOut = timedOut
        self.truncatedBytes = truncatedBytes
    }
}

/// A tool-set configuration error.
public struct ToolFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String

    public init(message: String) { self.message = message }

    public var description: String { message }
}
