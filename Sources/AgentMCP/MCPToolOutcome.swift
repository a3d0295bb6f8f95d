import AgentModel
import AgentTools

/// Builds the outcome the model and the ledger get for an MCP call.
enum MCPToolOutcome {
    /// The outcome of `result`: the server's text cut to a head+tail excerpt (exit code 0, or 1 when the server
    /// flagged an error), or `{"error":…}` when the call failed or timed out.
    static func make(
        _ result: MCPCallResult, limits: CaptureLimits, timeout: Duration,
        since started: ContinuousClock.Instant
    ) -> ToolOutcome {
        switch result {
        case .answered(let text, let isError):
            let (excerpt, cut) = excerpt(of: text, limits: limits)
            let output = isError ? ((try? JSONCoding.encode(["error": excerpt])) ?? excerpt) : excerpt
            return ToolOutcome(
                exitCode: isError ? 1 : 0, output: output, durationMillis: millis(since: started),
                timedOut: false,
                truncatedBytes: cut)
        case .failed(let message):
            return error(message, since: started)
        case .timedOut:
            var outcome = error("the MCP tool call did not answer within \(timeout)", since: started)
            outcome.timedOut = true
            return outcome
        }
    }

    /// An outcome for a call that got no answer: `{"error":message}`, no exit code.
    static func error(_ message: String, since started: ContinuousClock.Instant) -> ToolOutcome {
        let text = (try? JSONCoding.encode(["error": message])) ?? #"{"error":"internal error"}"#
        return ToolOutcome(
            exitCode: nil, output: text, durationMillis: millis(since: started), timedOut: false,
            truncatedBytes: 0)
    }

    /// `text` as the model sees it: whole when it fits the caps, else head, a cut marker and tail.
    static func excerpt(of text: String, limits: CaptureLimits) -> (String, Int) {
        let bytes = Array(text.utf8)
        let headCount = min(limits.headBytes, bytes.count)
        let tailCount = min(limits.tailBytes, bytes.count - headCount)
        let captured = CapturedOutput(
            head: Array(bytes[..<headCount]), tail: Array(bytes[(bytes.count - tailCount)...]),
            totalBytes: bytes.count)
        let rendered = captured.rendered()
        return (rendered.text, rendered.cutBytes)
    }

    private static func millis(since started: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }
}
