@testable import AgentCLI
import AgentModel
import Foundation
import Testing

/// `agentctl log` without `--json`: one line per event, seq, time, type and a short summary (issue 13 item 8).
struct LogLineTests {
    let run = RunID(rawValue: "run_log1")
    let utc = TimeZone(identifier: "UTC")!

    func event(_ seq: Int64, _ kind: EventKind, _ type: String, _ payload: some Encodable) throws -> LedgerEvent {
        LedgerEvent(
            runID: run, seq: seq, timestampMillis: 1_796_082_062_123 + seq, kind: kind, type: type,
            payload: try JSONCoding.encode(payload))
    }

    @Test func aRunReadsAsOneLinePerEvent() throws {
        var killed = ToolFinished(
            callID: "call_2", exitCode: nil, durationMillis: 2_010,
            output: #"{"exit_code":143,"signal":"SIGTERM","stderr":"","stdout":""}"#, timedOut: false,
            truncatedBytes: 0)
        killed.cancelled = true
        let events = [
            try event(0, .run, RunEventType.started, RunStarted(
                model: "gpt-5.2", prompt: "fix\nit", instructions: nil, cwd: "/w", tools: ["shell"], client: nil)),
            try event(1, .tool, ToolEventType.started, ToolStarted(
                callID: "call_1", name: "shell", arguments: #"{"cmd":"make"}"#, cwd: "/w")),
            try event(2, .tool, ToolEventType.finished, ToolFinished(
                callID: "call_1", exitCode: 2, durationMillis: 1.5, output: "{}", timedOut: false, truncatedBytes: 0)),
            try event(3, .tool, ToolEventType.finished, ToolFinished(
                callID: "call_9", exitCode: nil, durationMillis: 0.1,
                output: #"{"error":"'lint' was not found in PATH (/usr/bin)"}"#, timedOut: false, truncatedBytes: 0)),
            try event(4, .control, ControlEventType.approvalResolved, ApprovalResolved(
                callID: "call_2", approved: true, reason: nil, client: "agentctl", uid: 1000, pid: 4242, tty: "pts/3")),
            try event(5, .tool, ToolEventType.finished, killed),
            try event(6, .run, RunEventType.cancelled, RunEnded(reason: "too slow", code: "cancelled")),
            LedgerEvent(
                runID: run, seq: 7, timestampMillis: 1_796_082_062_130, kind: .upstreamIn, type: "response.completed",
                payload: #"{"type":"response.completed","response":{"id":"resp_1","#
                    + #""usage":{"input_tokens":12,"output_tokens":3}}}"#),
            LedgerEvent(
                runID: run, seq: 12345, timestampMillis: 1_796_082_062_999, kind: .upstreamIn,
                type: "response.output_text.delta", payload: #"{"delta":"\u001b]52;c;x\u0007 hi"}"#),
        ]
        #expect(events.map { LogLine.render($0, timeZone: utc) } == [
            "   0  23:41:02.123  run.started  gpt-5.2 in /w: fix^Jit",
            "   1  23:41:02.124  tool.started  call_1 shell: make",
            "   2  23:41:02.125  tool.finished  call_1 exit 2 in 1.5 ms",
            "   3  23:41:02.126  tool.finished  call_9 error in 0.1 ms: 'lint' was not found in PATH (/usr/bin)",
            "   4  23:41:02.127  approval.resolved  call_2 approved by agentctl, uid 1000, pid 4242 on pts/3",
            "   5  23:41:02.128  tool.finished  call_2 cancelled, killed by SIGTERM after 2.01 s",
            "   6  23:41:02.129  run.cancelled  cancelled: too slow",
            "   7  23:41:02.130  response.completed  resp_1, tokens in 12 out 3",
            "12345  23:41:02.999  response.output_text.delta  \"^[]52;c;x^G hi\"",
        ])
    }

    @Test func aLongSummaryIsCutToOneShortLine() throws {
        let text = String(repeating: "x", count: 500)
        let input = InputAdded(inputID: "i", text: text, client: nil)
        let added = try event(3, .control, ControlEventType.inputAdded, input)
        let line = LogLine.render(added, timeZone: utc)
        #expect(line == "   3  23:41:02.126  input.added  " + String(repeating: "x", count: 99) + "…")
    }
}
