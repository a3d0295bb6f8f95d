import AgentModel
import Testing

/// allow_always / reject_always: a decision with `remember: always` becomes a rule for its tool in the run, and
/// the pure core decides the tool's later calls by it (``RunState/nextStep`` → `applyRules`).
struct ApprovalRuleTests {
    typealias Ledger = ToolAdmissionTests.Ledger

    func gated(_ tools: String = #"["shell","read_file"]"#) -> Ledger {
        var ledger = Ledger()
        ledger.add(
            .run, RunEventType.started,
            #"{"cwd":"/w","model":"m","prompt":"go","tools":\#(tools),"require_approval":["shell"]}"#)
        return ledger
    }

    func call(_ id: String, _ name: String = "shell", approval: ToolCallRecord.Approval? = nil) -> ToolCallRecord {
        var record = ToolCallRecord(callID: id, name: name, arguments: "{}", status: .requested)
        record.approval = approval
        return record
    }

    func ask(_ ledger: inout Ledger, _ callID: String, reason: String = "policy") {
        ledger.add(
            .control, ControlEventType.approvalRequested,
            #"{"call_id":"\#(callID)","name":"shell","arguments":"{}","reason":"\#(reason)"}"#)
    }

    func decide(_ ledger: inout Ledger, _ callID: String, approved: Bool, always: Bool) throws {
        let decision = ApprovalResolved(
            callID: callID, approved: approved, reason: nil, client: "Zed", uid: 1000, remember: always ? .always : nil)
        ledger.add(.control, ControlEventType.approvalResolved, try JSONCoding.encode(decision))
    }

    /// Records what `applyRules` asks for, as the engine does.
    func applyRules(_ ledger: inout Ledger) throws {
        let state = ledger.state
        guard case .applyRules(let calls) = state.nextStep else {
            Issue.record("expected applyRules, got \(state.nextStep)")
            return
        }
        for call in calls {
            let decision = try #require(state.approvalRules[call.name]).decision(on: call)
            ledger.add(.control, ControlEventType.approvalResolved, try JSONCoding.encode(decision))
        }
    }

    @Test func allowAlwaysRunsLaterCallsOfTheToolWithoutAsking() throws {
        var ledger = gated()
        ledger.response("resp_0", calls: [("shell", "call_a")])
        #expect(ledger.state.nextStep == .requestApproval([call("call_a")]))
        ask(&ledger, "call_a")
        try decide(&ledger, "call_a", approved: true, always: true)
        let rule = ApprovalRule(tool: "shell", approved: true, callID: "call_a", client: "Zed", uid: 1000)
        #expect(ledger.state.approvalRules == ["shell": rule])
        ledger.run("call_a")
        ledger.response(
            "resp_1", calls: [("shell", "call_b")],
            input: #"[{"type":"function_call_output","call_id":"call_a","output":"ran"}]"#)
        #expect(ledger.state.nextStep == .applyRules([call("call_b")]))
        try applyRules(&ledger)
        #expect(ledger.state.nextStep == .runTools([call("call_b", approval: .approved)]))
        #expect(ledger.state.status == .running)
    }

    @Test func rejectAlwaysAnswersLaterCallsAsDeniedWithoutRunningThem() throws {
        var ledger = gated()
        ledger.response("resp_0", calls: [("shell", "call_a")])
        ask(&ledger, "call_a")
        try decide(&ledger, "call_a", approved: false, always: true)
        ledger.response(
            "resp_1", calls: [("shell", "call_b"), ("read_file", "call_c")],
            input: #"[{"type":"function_call_output","call_id":"call_a","output":"denied"}]"#)
        #expect(ledger.state.nextStep == .applyRules([call("call_b")]))
        try applyRules(&ledger)
        let state = ledger.state
        #expect(state.toolCalls.first { $0.callID == "call_b" }?.approval == .denied)
        #expect(state.toolCalls.first { $0.callID == "call_b" }?.status == .finished)
        // The other tool is not touched by the rule.
        #expect(state.nextStep == .runTools([call("call_c", "read_file")]))
        let denial = try #require(state.pendingInput.first)
        #expect(denial["call_id"]?.stringValue == "call_b")
    }

    @Test func aRuleDecidesTheCallsOfItsToolAskedAboutWithTheOneThatMadeIt() throws {
        var ledger = gated()
        ledger.response("resp_0", calls: [("shell", "call_a"), ("shell", "call_b")])
        ask(&ledger, "call_a")
        ask(&ledger, "call_b")
        #expect(ledger.state.nextStep == .wait)
        try decide(&ledger, "call_a", approved: true, always: true)
        var pending = call("call_b", approval: .pending)
        pending.approvalReason = .policy
        #expect(ledger.state.nextStep == .applyRules([pending]))
        try applyRules(&ledger)
        #expect(ledger.state.pendingApprovals.isEmpty)
        #expect(ledger.state.status == .running)
        #expect(
            ledger.state.nextStep
                == .runTools([call("call_a", approval: .approved), call("call_b", approval: .approved)].map {
                    var call = $0
                    call.approvalReason = .policy
                    return call
                }))
    }

    @Test func aOnceDecisionMakesNoRule() throws {
        var ledger = gated()
        ledger.response("resp_0", calls: [("shell", "call_a")])
        ask(&ledger, "call_a")
        try decide(&ledger, "call_a", approved: true, always: false)
        #expect(ledger.state.approvalRules.isEmpty)
    }

    @Test func theToolCallLimitQuestionMakesNoRuleAndUncertainCallsAreStillAsked() throws {
        var ledger = gated()
        ledger.response("resp_0", calls: [("shell", "call_a")])
        ask(&ledger, "call_a", reason: "tool_call_limit")
        try decide(&ledger, "call_a", approved: true, always: true)
        #expect(ledger.state.approvalRules.isEmpty)

        // A rule made now, then a crash in the middle of a call of its tool: that call is asked about again.
        var second = gated()
        second.response("resp_0", calls: [("shell", "call_a"), ("shell", "call_b")])
        ask(&second, "call_a")
        try decide(&second, "call_a", approved: true, always: true)
        second.add(.tool, ToolEventType.started, #"{"call_id":"call_a","name":"shell","arguments":"{}","cwd":"/w"}"#)
        second.add(.run, RunEventType.interrupted, #"{"reason":"agentd stopped"}"#)
        second.add(.run, RunEventType.resumed, "{}")
        // The rule decides the call not yet asked about; the one cut short is asked about.
        try applyRules(&second)
        guard case .resolveUncertain(let uncertain) = second.state.nextStep else {
            Issue.record("expected resolveUncertain, got \(second.state.nextStep)")
            return
        }
        #expect(uncertain.map(\.callID) == ["call_a"])
    }

    @Test func aPersonsDecisionAfterTheRuleDecidedTheCallChangesNothing() throws {
        var ledger = gated()
        ledger.response("resp_0", calls: [("shell", "call_a"), ("shell", "call_b")])
        ask(&ledger, "call_a")
        ask(&ledger, "call_b")
        try decide(&ledger, "call_a", approved: false, always: true)
        try applyRules(&ledger)
        try decide(&ledger, "call_b", approved: true, always: true)
        let state = ledger.state
        #expect(state.toolCalls.map(\.approval) == [.denied, .denied])
        #expect(state.approvalRules["shell"]?.approved == false)
    }

    @Test func payloadsRoundTripThroughBothDecoders() throws {
        var decision = ApprovalResolved(
            callID: "call_a", approved: false, reason: "r", client: "Zed", uid: 7, remember: .always)
        decision.byRule = true
        let text = try JSONCoding.encode(decision)
        #expect(
            text == #"{"approved":false,"by_rule":true,"call_id":"call_a","client":"Zed","reason":"r","remember":"always","uid":7}"#)
        #expect(try ApprovalResolved(json: text) == decision)
        #expect(try JSONCoding.decode(ApprovalResolved.self, from: text) == decision)
        // Old ledgers: neither field.
        let old = try ApprovalResolved(json: #"{"call_id":"c","approved":true}"#)
        #expect(old.remember == nil && old.byRule == nil)
    }

    // MARK: Property: a simulated engine following nextStep with random people

    /// Over random runs (responses asking for calls of a gated and an ungated tool, people deciding at random,
    /// some decisions `always`): no call of a tool is asked about once the tool has a rule; every call a rule
    /// decided got the rule's decision; and replaying the ledger gives the state the simulation folded.
    @Test(arguments: 0..<60) func noToolWithARuleIsAskedAboutAgain(seed: Int) throws {
        var generator = SplitMix64(seed: UInt64(seed) &+ 77)
        var ledger = gated()
        var state = ledger.state
        var responses = 0
        var nextCall = 0
        var ruleDecided: [String: Bool] = [:]
        func add(_ kind: EventKind, _ type: String, _ payload: String) {
            ledger.add(kind, type, payload)
            RunReducer.reduce(&state, ledger.events[ledger.events.count - 1])
        }
        steps: for _ in 0..<400 {
            switch state.nextStep {
            case .sendRequest:
                responses += 1
                var items: [String] = []
                if responses < 8 {
                    for _ in 0..<(1 + Int(generator.next() % 3)) {
                        let tool = generator.next() % 4 == 0 ? "read_file" : "shell"
                        items.append(
                            #"{"type":"function_call","call_id":"call_\#(nextCall)","name":"\#(tool)","arguments":"{}"}"#)
                        nextCall += 1
                    }
                }
                add(.upstreamOut, "response.create", #"{"type":"response.create","model":"m","input":[]}"#)
                add(
                    .upstreamIn, "response.completed",
                    #"{"type":"response.completed","response":{"id":"resp_\#(responses)","status":"completed","output":[\#(items.joined(separator: ","))]}}"#
                )
            case .requestApproval(let calls):
                for call in calls {
                    #expect(state.approvalRules[call.name] == nil, "asked about \(call.callID) of a tool with a rule")
                    add(
                        .control, ControlEventType.approvalRequested,
                        #"{"call_id":"\#(call.callID)","name":"\#(call.name)","arguments":"{}","reason":"policy"}"#)
                }
            case .applyRules(let calls):
                for call in calls {
                    let decision = try #require(state.approvalRules[call.name]).decision(on: call)
                    ruleDecided[call.callID] = decision.approved
                    add(.control, ControlEventType.approvalResolved, try JSONCoding.encode(decision))
                }
            case .runTools(let calls):
                for call in calls {
                    add(
                        .tool, ToolEventType.started,
                        #"{"call_id":"\#(call.callID)","name":"\#(call.name)","arguments":"{}","cwd":"/w"}"#)
                    add(
                        .tool, ToolEventType.finished,
                        #"{"call_id":"\#(call.callID)","exit_code":0,"duration_ms":1,"output":"ran","timed_out":false,"truncated_bytes":0}"#
                    )
                }
            case .wait where !state.pendingApprovals.isEmpty:
                let pending = state.pendingApprovals
                let chosen = pending[Int(generator.next() % UInt64(pending.count))]
                let decision = ApprovalResolved(
                    callID: chosen.callID, approved: generator.next() % 2 == 0, reason: nil, client: "p", uid: 1,
                    remember: generator.next() % 3 == 0 ? .always : nil)
                add(.control, ControlEventType.approvalResolved, try JSONCoding.encode(decision))
            case .complete:
                add(.run, RunEventType.completed, "{}")
                break steps
            default:
                Issue.record("unexpected step \(state.nextStep), seed \(seed)")
                break steps
            }
        }
        #expect(state.status == .completed, "seed \(seed)")
        for (callID, approved) in ruleDecided {
            let call = try #require(state.toolCalls.first { $0.callID == callID })
            #expect(call.approval == (approved ? .approved : .denied))
            #expect(call.status == .finished)
        }
        #expect(RunReducer.replay(EventScenarios.run, ledger.events) == state)
    }
}
