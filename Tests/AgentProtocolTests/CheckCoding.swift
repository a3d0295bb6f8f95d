import AgentModel
import AgentProtocol
import Testing

enum Fixtures {
    static let runID = RunID(rawValue: "run_1")

    static let runInfo = RunInfo(
        id: runID, status: .running, model: "gpt-test", prompt: "hi", cwd: "/w", outputText: "hello",
        createdAtMillis: 1000, updatedAtMillis: 2000, lastSeq: 7, responsesCompleted: 1,
        toolCalls: [
            ToolCallInfo(
                callID: "c1", name: "shell", arguments: #"{"cmd":"ls"}"#, status: "finished", exitCode: 0,
                durationMillis: 12.5)
        ],
        inputTokens: 10, outputTokens: 20, error: RunErrorInfo(code: "rate_limit", message: "slow down"),
        endReason: "cancelled", turns: 1)

    static let runInfoJSON =
        #"{"created_at_ms":1000,"cwd":"/w","end_reason":"cancelled","error":{"code":"rate_limit","message":"slow down"},"#
        + #""id":"run_1","input_tokens":10,"last_seq":7,"model":"gpt-test","output_text":"hello","output_tokens":20,"#
        + #""prompt":"hi","responses_completed":1,"status":"running","#
        + #""tool_calls":[{"arguments":"{\"cmd\":\"ls\"}","call_id":"c1","duration_ms":12.5,"exit_code":0,"name":"shell","status":"finished"}],"#
        + #""turns":1,"updated_at_ms":2000}"#

    static let minimalRunInfo = RunInfo(
        id: runID, status: .completed, model: "m", prompt: "p", cwd: "/", outputText: "", createdAtMillis: 1,
        updatedAtMillis: 2, lastSeq: -1, responsesCompleted: 0, toolCalls: [], inputTokens: 0, outputTokens: 0)

    static let minimalRunInfoJSON =
        #"{"created_at_ms":1,"cwd":"/","id":"run_1","input_tokens":0,"last_seq":-1,"model":"m","output_text":"","#
        + #""output_tokens":0,"prompt":"p","responses_completed":0,"status":"completed","tool_calls":[],"turns":0,"updated_at_ms":2}"#
}
