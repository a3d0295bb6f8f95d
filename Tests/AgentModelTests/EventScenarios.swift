import AgentModel

/// Builders of event sequences for reducer tests (a tool loop as a faithful upstream would produce it).
enum EventScenarios {
    static let run = RunID(rawValue: "run_test")

    /// A run with `toolTurns` shell calls and a final text answer, as the engine records it.
    static func toolLoop(toolTurns: Int) -> [LedgerEvent] {
        var events: [LedgerEvent] = []
        func add(_ kind: EventKind, _ type: String, _ payload: String) {
            events.append(
                LedgerEvent(
                    runID: run, seq: Int64(events.count), timestampMillis: 1_000 + Int64(events.count), kind: kind,
                    type: type, payload: payload))
        }
        add(.run, RunEventType.started, #"{"cwd":"/w","model":"m","prompt":"go","tools":["shell"]}"#)
        var parent: String?
        for turn in 0...toolTurns {
            let prev = parent.map { #","previous_response_id":"\#($0)""# } ?? ""
            let input =
                turn == 0
                ? #"[{"type":"message","role":"user","content":[{"type":"input_text","text":"go"}]}]"#
                : #"[{"type":"function_call_output","call_id":"call_\#(turn - 1)","output":"out \#(turn - 1)"}]"#
            add(.upstreamOut, "response.create", #"{"type":"response.create","model":"m","input":\#(input)\#(prev)}"#)
            let id = "resp_\(turn)"
            add(.upstreamIn, "response.created", #"{"type":"response.created","response":{"id":"\#(id)","output":[]}}"#)
            let item: String
            if turn < toolTurns {
                item = #"{"type":"function_call","call_id":"call_\#(turn)","name":"shell","arguments":"{}"}"#
            } else {
                add(.upstreamIn, "response.output_text.delta", #"{"type":"response.output_text.delta","delta":"fin"}"#)
                item = #"{"type":"message","role":"assistant","content":[{"type":"output_text","text":"fin"}]}"#
            }
            add(.upstreamIn, "keepalive", #"{"type":"keepalive","sequence_number":3}"#)
            add(
                .upstreamIn, "response.completed",
                #"{"type":"response.completed","response":{"id":"\#(id)","status":"completed","output":[\#(item)],"usage":{"input_tokens":3,"output_tokens":2}}}"#
            )
            if turn < toolTurns {
                add(.tool, "tool.started", #"{"call_id":"call_\#(turn)","name":"shell","arguments":"{}","cwd":"/w"}"#)
                add(
                    .tool, "tool.finished",
                    #"{"call_id":"call_\#(turn)","exit_code":0,"duration_ms":1.5,"output":"out \#(turn)","timed_out":false,"truncated_bytes":0}"#
                )
            }
            parent = id
        }
        add(.run, RunEventType.completed, "{}")
        return events
    }
}
