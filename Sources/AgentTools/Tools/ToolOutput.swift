import AgentModel

/// Builds the outputs every tool shares.
enum ToolOutput {
    /// An outcome for a call that never ran: `{"error":message}`, no exit code.
    static func error(_ message: String, durationMillis: Double = 0) -> ToolOutcome {
        let text = (try? JSONCoding.encode(["error": message])) ?? #"{"error":"internal error"}"#
        return ToolOutcome(
            exitCode: nil, output: text, durationMillis: durationMillis, timedOut: false, truncatedBytes: 0)
    }

    /// Parses arguments as a JSON object, or returns the error outcome to send back.
    static func object(from arguments: String) -> Result<[String: JSONValue], ArgumentError> {
        guard let value = try? JSONValue.parse(arguments), case .object(let members) = value
        else {
            return .failure(ArgumentError("arguments must be a JSON object"))
        }
        return .success(members)
    }
}

/// A reason a call's arguments were refused; the message is shown to the model after `invalid arguments: `.
struct ArgumentError: Error, Hashable {
    var message: String

    init(_ message: String) { self.message = message }

    var outcome: ToolOutcome { ToolOutput.error("invalid arguments: \(message)") }
}
