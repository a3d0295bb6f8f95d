import AgentModel
import Testing

/// What a `tool.finished` says about how the call ended, read by the reducer into the run's tool calls (the
/// end-to-end views: `CommandToolEndToEndTests`, `CancelEndToEndTests`).
struct ToolFinishedOutcomeTests {
    func finished(_ output: String, exit: Int32? = nil, timedOut: Bool = false) -> ToolFinished {
        ToolFinished(
            callID: "c", exitCode: exit, durationMillis: 1, output: output, timedOut: timedOut, truncatedBytes: 0)
    }

    @Test func aCallThatNeverRanHasItsLaunchError() {
        let outputs = [
            finished(#"{"error":"'lint' was not found in PATH (/usr/bin)"}"#),
            finished(#"{"error":"the MCP tool call did not answer within 30s"}"#, timedOut: true),
            finished(#"{"error":"x"}"#, exit: 1),
            finished(#"{"error":"x","stdout":""}"#),
            finished(#"{"exit_code":143,"signal":"SIGTERM","stderr":"","stdout":""}"#),
            finished("plain text"),
        ]
        #expect(outputs.map(\.launchError) == ["'lint' was not found in PATH (/usr/bin)", nil, nil, nil, nil, nil])
        #expect(outputs.map(\.signal) == [nil, nil, nil, nil, "SIGTERM", nil])
    }
}
