import AgentModel
import Testing

/// A run offers `shell` and `apply_patch` either as function tools or as the built-in types (``ToolFormat``): a
/// call that comes as the other item type is refused like a tool the run was not given, answered with an error in
/// the output item of its own type, and never run. `custom_tool_call` (agentd offers no custom tools) likewise.
struct ToolFormatAdmissionTests {
    /// `run.started` with `tools` and `format` (nil: no `tool_format` member, as in older ledgers), a request, and a
    /// completed response whose output is `items`.
    static func responded(tools: [String], format: String?, items: [String]) -> [LedgerEvent] {
        var events: [LedgerEvent] = []
        func add(_ kind: EventKind, _ type: String, _ payload: String) {
            events.append(
                LedgerEvent(
                    runID: EventScenarios.run, seq: Int64(events.count), timestampMillis: 1_000, kind: kind, type: type,
                    payload: payload))
        }
        let list = tools.map { "\"\($0)\"" }.joined(separator: ",")
        let member = format.map { #","tool_format":"\#($0)""# } ?? ""
        add(.run, RunEventType.started, #"{"cwd":"/w","model":"m","prompt":"go","tools":[\#(list)]\#(member)}"#)
        add(.upstreamOut, "response.create", #"{"type":"response.create","model":"m","input":"go"}"#)
        add(
            .upstreamIn, "response.completed",
            #"{"type":"response.completed","response":{"id":"resp_1","status":"completed","output":[\#(items.joined(separator: ","))]}}"#
        )
        return events
    }

    /// `events` and a `tool.refused` for each call the state refuses, as the engine records them.
    static func refusing(_ events: [LedgerEvent]) throws -> RunState {
        let state = RunReducer.replay(EventScenarios.run, events)
        guard case .refuseTools(let calls) = state.nextStep else {
            Issue.record("expected refusals, got \(state.nextStep)")
            return state
        }
        var all = events
        for call in calls {
            let refused = ToolRefused(refusing: call, reason: try #require(call.refusal))
            all.append(
                LedgerEvent(
                    runID: EventScenarios.run, seq: Int64(all.count), timestampMillis: 1_000, kind: .tool,
                    type: ToolEventType.refused, payload: try JSONCoding.encode(refused)))
        }
        return RunReducer.replay(EventScenarios.run, all)
    }

    static let shellCall =
        #"{"type":"shell_call","id":"sh_1","call_id":"call_sh","status":"completed","action":{"commands":["touch pwned"]}}"#
    static let patchCall =
        #"{"type":"apply_patch_call","id":"ap_1","call_id":"call_ap","status":"completed","operation":{"type":"delete_file","path":"a.txt"}}"#
    static let functionShell =
        #"{"type":"function_call","id":"fc_1","call_id":"call_fn","name":"shell","arguments":"{\"cmd\":\"touch pwned\"}"}"#
    static let functionRead =
        #"{"type":"function_call","id":"fc_2","call_id":"call_rd","name":"read_file","arguments":"{\"path\":\"a\"}"}"#

    @Test func aRunStartedWithoutAToolFormatOffersFunctionTools() {
        let old = RunReducer.replay(EventScenarios.run, Self.responded(tools: ["shell"], format: nil, items: []))
        let native = RunReducer.replay(EventScenarios.run, Self.responded(tools: ["shell"], format: "native", items: []))
        #expect(old.toolFormat == .function)
        #expect(native.toolFormat == .native)
    }

    @Test func builtInCallsInAFunctionRunAreRefusedAndAnsweredInTheirOwnItemType() throws {
        let events = Self.responded(tools: ["shell", "apply_patch"], format: "function", items: [Self.shellCall, Self.patchCall])
        let requested = RunReducer.replay(EventScenarios.run, events)
        #expect(requested.toolCalls.map(\.refusal) == [.wrongItemType, .wrongItemType])
        let state = try Self.refusing(events)
        #expect(state.nextStep == .sendRequest)
        #expect(state.pendingInput.map { $0["type"]?.stringValue } == ["shell_call_output", "apply_patch_call_output"])
        let shellText = try #require(state.pendingInput[0]["output"]?.arrayValue?.first?["stderr"]?.stringValue)
        #expect(shellText.contains("is not offered in this run") && shellText.contains("function_call"))
        #expect(state.pendingInput[1]["status"] == "failed")
    }

    @Test func aFunctionCallOfShellInANativeRunIsRefusedAndOtherFunctionToolsRun() throws {
        let events = Self.responded(
            tools: ["shell", "read_file"], format: "native", items: [Self.functionShell, Self.functionRead])
        let requested = RunReducer.replay(EventScenarios.run, events)
        #expect(requested.toolCalls.map(\.refusal) == [.wrongItemType, nil])
        let state = try Self.refusing(events)
        #expect(state.nextStep == .runTools([ToolCallRecord(callID: "call_rd", name: "read_file", arguments: #"{"path":"a"}"#, status: .requested)]))
        let output = try #require(state.pendingInput.first?["output"]?.stringValue)
        #expect(state.pendingInput.first?["type"] == "function_call_output")
        #expect(output.contains("call it with a shell_call item"))
    }

    @Test func aNativeCallOfAToolTheRunWasNotGivenIsNotOffered() {
        let state = RunReducer.replay(
            EventScenarios.run, Self.responded(tools: ["read_file"], format: "native", items: [Self.shellCall]))
        #expect(state.toolCalls.map(\.refusal) == [.notOffered])
    }

    @Test(arguments: ["function", "native"])
    func aCustomToolCallIsRefusedWithACustomToolCallOutput(_ format: String) throws {
        let custom = #"{"type":"custom_tool_call","id":"ct_1","call_id":"call_ct","name":"shell","input":"rm -rf /"}"#
        let other = #"{"type":"custom_tool_call","id":"ct_2","call_id":"call_ot","name":"grammar","input":"x"}"#
        let events = Self.responded(tools: ["shell"], format: format, items: [custom, other])
        let requested = RunReducer.replay(EventScenarios.run, events)
        #expect(requested.toolCalls.map(\.kind) == [.custom, .custom])
        #expect(requested.toolCalls.map(\.arguments) == ["rm -rf /", "x"])
        #expect(requested.toolCalls.map(\.refusal) == [.wrongItemType, .notOffered])
        let state = try Self.refusing(events)
        #expect(state.pendingInput.map { $0["type"]?.stringValue } == ["custom_tool_call_output", "custom_tool_call_output"])
        #expect(state.pendingInput.map { $0["call_id"]?.stringValue } == ["call_ct", "call_ot"])
        #expect(state.nextStep == .sendRequest)
    }
}
