import AgentModel
import Testing

/// `shell_call` and `apply_patch_call` items become tool calls answered by items of the matching type, and an
/// output item agentd cannot handle fails the turn instead of ending the run as completed.
struct NativeToolItemsTests {
    /// `run.started`, one request, and a completed response whose output is `items` (JSON texts).
    static func responded(with items: [String], requireApproval: String = "", format: String = "native")
        -> [LedgerEvent]
    {
        var events: [LedgerEvent] = []
        func add(_ kind: EventKind, _ type: String, _ payload: String) {
            events.append(
                LedgerEvent(
                    runID: EventScenarios.run, seq: Int64(events.count), timestampMillis: 1_000, kind: kind, type: type,
                    payload: payload))
        }
        add(
            .run, RunEventType.started,
            #"{"cwd":"/w","model":"m","prompt":"go","tools":["shell","apply_patch"],"tool_format":"\#(format)"\#(requireApproval)}"#)
        add(.upstreamOut, "response.create", #"{"type":"response.create","model":"m","input":"go"}"#)
        add(
            .upstreamIn, "response.completed",
            #"{"type":"response.completed","response":{"id":"resp_1","status":"completed","output":[\#(items.joined(separator: ","))]}}"#
        )
        return events
    }

    static func event(_ seq: Int, _ type: String, _ payload: String) -> LedgerEvent {
        LedgerEvent(
            runID: EventScenarios.run, seq: Int64(seq), timestampMillis: 1_000, kind: .tool, type: type, payload: payload)
    }

    static let shellCall =
        #"{"type":"shell_call","id":"sh_1","call_id":"call_sh","status":"completed","caller":{"type":"program","caller_id":"prog_1"},"action":{"commands":["ls","cat a.txt"],"timeout_ms":5000,"max_output_length":300}}"#
    static let patchCall =
        #"{"type":"apply_patch_call","id":"ap_1","call_id":"call_ap","status":"completed","operation":{"type":"update_file","path":"a.txt","diff":"@@\n-a\n+b\n"}}"#

    @Test func shellCallRunsAsTheShellToolAndIsAnsweredWithAShellCallOutput() throws {
        var events = Self.responded(with: [Self.shellCall])
        let requested = RunReducer.replay(EventScenarios.run, events)
        var call = ToolCallRecord(
            callID: "call_sh", name: "shell", arguments: #"{"commands":["ls","cat a.txt"],"max_output_length":300,"timeout_ms":5000}"#,
            status: .requested)
        call.kind = .shell
        call.caller = ["type": "program", "caller_id": "prog_1"]
        #expect(requested.nextStep == .runTools([call]))

        let entries = #"[{"outcome":{"exit_code":0,"type":"exit"},"stderr":"","stdout":"a.txt\n"},{"outcome":{"type":"timeout"},"stderr":"","stdout":""}]"#
        events.append(Self.event(3, "tool.started", #"{"call_id":"call_sh","name":"shell","arguments":"{}","cwd":"/w","kind":"shell_call"}"#))
        events.append(
            Self.event(
                4, "tool.finished",
                #"{"call_id":"call_sh","exit_code":null,"duration_ms":3,"output":\#(try JSONCoding.encode(entries)),"timed_out":true,"truncated_bytes":0}"#
            ))
        let finished = RunReducer.replay(EventScenarios.run, events)
        let expected: JSONValue = [
            "type": "shell_call_output", "call_id": "call_sh", "max_output_length": 300,
            "caller": ["type": "program", "caller_id": "prog_1"],
            "output": [
                ["stdout": "a.txt\n", "stderr": "", "outcome": ["type": "exit", "exit_code": 0]],
                ["stdout": "", "stderr": "", "outcome": ["type": "timeout"]],
            ],
        ]
        #expect(finished.pendingInput == [expected])
        #expect(finished.nextStep == .sendRequest)
    }

    @Test func applyPatchCallIsAnsweredCompletedOrFailed() {
        var events = Self.responded(with: [Self.patchCall])
        let requested = RunReducer.replay(EventScenarios.run, events)
        #expect(requested.toolCalls.map(\.kind) == [.applyPatch])
        #expect(requested.toolCalls.map(\.name) == ["apply_patch"])
        #expect(requested.toolCalls.map(\.arguments) == [#"{"diff":"@@\n-a\n+b\n","path":"a.txt","type":"update_file"}"#])
        events.append(Self.event(3, "tool.started", #"{"call_id":"call_ap","name":"apply_patch","arguments":"{}","cwd":"/w"}"#))
        let failedEvents =
            events + [
                Self.event(
                    4, "tool.finished",
                    #"{"call_id":"call_ap","exit_code":null,"duration_ms":1,"output":"patch not applied: hunk 1","timed_out":false,"truncated_bytes":0}"#
                )
            ]
        #expect(
            RunReducer.replay(EventScenarios.run, failedEvents).pendingInput == [
                ["type": "apply_patch_call_output", "call_id": "call_ap", "status": "failed", "output": "patch not applied: hunk 1"]
            ])
        let completedEvents =
            events + [
                Self.event(
                    4, "tool.finished",
                    #"{"call_id":"call_ap","exit_code":0,"duration_ms":1,"output":"applied patch:\nM a.txt","timed_out":false,"truncated_bytes":0}"#
                )
            ]
        #expect(
            RunReducer.replay(EventScenarios.run, completedEvents).pendingInput == [
                ["type": "apply_patch_call_output", "call_id": "call_ap", "status": "completed", "output": "applied patch:\nM a.txt"]
            ])
    }

    @Test func aDeniedShellCallIsAnsweredWithAShellCallOutput() throws {
        var events = Self.responded(with: [Self.shellCall], requireApproval: #","require_approval":["shell"]"#)
        events.append(
            LedgerEvent(
                runID: EventScenarios.run, seq: 3, timestampMillis: 1_000, kind: .control, type: "approval.requested",
                payload: #"{"call_id":"call_sh","name":"shell","arguments":"{}","reason":"policy"}"#))
        events.append(
            LedgerEvent(
                runID: EventScenarios.run, seq: 4, timestampMillis: 1_000, kind: .control, type: "approval.resolved",
                payload: #"{"call_id":"call_sh","approved":false}"#))
        let state = RunReducer.replay(EventScenarios.run, events)
        let denial = Items.denialOutput(uncertain: false, reason: nil)
        #expect(
            state.pendingInput == [
                [
                    "type": "shell_call_output", "call_id": "call_sh", "max_output_length": 300,
                    "caller": ["type": "program", "caller_id": "prog_1"],
                    "output": [["stdout": "", "stderr": .string(denial), "outcome": ["type": "exit", "exit_code": 1]]],
                ]
            ])
    }

    @Test(arguments: ["computer_call", "local_shell_call", "mcp_approval_request", "brand_new_call"])
    func anOutputItemAgentdCannotHandleFailsTheTurnNamingIt(_ type: String) {
        let item = #"{"type":"\#(type)","id":"x_1","call_id":"call_x","name":"t","input":"{}"}"#
        let message = #"{"type":"message","role":"assistant","content":[{"type":"output_text","text":"done?"}]}"#
        let state = RunReducer.replay(EventScenarios.run, Self.responded(with: [message, item]))
        let error = UpstreamError(
            type: "agentd_error", code: "unsupported_output_item",
            message: "the response has an output item of type '\(type)', which agentd cannot handle")
        #expect(state.nextStep == .failed(error))
        #expect(state.toolCalls.isEmpty)
    }

    @Test func messagesReasoningAndServerSideCallsNeedNothing() {
        let items = [
            #"{"type":"reasoning","id":"rs_1","summary":[]}"#,
            #"{"type":"web_search_call","id":"ws_1","status":"completed"}"#,
            #"{"type":"message","role":"assistant","content":[{"type":"output_text","text":"done"}]}"#,
        ]
        #expect(RunReducer.replay(EventScenarios.run, Self.responded(with: items)).nextStep == .complete)
    }
}
