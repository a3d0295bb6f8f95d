import AgentModel
import Testing

/// Calls a hostile model asks for that the run must not make: tools it was not given, repeated call ids.
struct ToolAdmissionTests {
    /// Builds a ledger event by event, numbering them.
    struct Ledger {
        var events: [LedgerEvent] = []

        mutating func add(_ kind: EventKind, _ type: String, _ payload: String) {
            events.append(
                LedgerEvent(
                    runID: EventScenarios.run, seq: Int64(events.count), timestampMillis: 1_000, kind: kind,
                    type: type, payload: payload))
        }

        mutating func start(tools: [String]) {
            let list = tools.map { "\"\($0)\"" }.joined(separator: ",")
            add(.run, RunEventType.started, #"{"cwd":"/w","model":"m","prompt":"go","tools":[\#(list)]}"#)
        }

        /// A request and a completed response whose output is `calls` (name, call id).
        mutating func response(_ id: String, calls: [(String, String)], input: String = "[]") {
            add(.upstreamOut, "response.create", #"{"type":"response.create","model":"m","input":\#(input)}"#)
            let items = calls.map {
                #"{"type":"function_call","call_id":"\#($0.1)","name":"\#($0.0)","arguments":"{}"}"#
            }.joined(separator: ",")
            add(
                .upstreamIn, "response.completed",
                #"{"type":"response.completed","response":{"id":"\#(id)","status":"completed","output":[\#(items)]}}"#)
        }

        mutating func run(_ callID: String) {
            add(.tool, ToolEventType.started, #"{"call_id":"\#(callID)","name":"shell","arguments":"{}","cwd":"/w"}"#)
            add(
                .tool, ToolEventType.finished,
                #"{"call_id":"\#(callID)","exit_code":0,"duration_ms":1,"output":"ran","timed_out":false,"truncated_bytes":0}"#
            )
        }

        mutating func refuse(_ refused: ToolRefused) throws {
            add(.tool, ToolEventType.refused, try JSONCoding.encode(refused))
        }

        var state: RunState { RunReducer.replay(EventScenarios.run, events) }
    }

    func call(_ id: String, _ name: String, refusal: ToolRefusal? = nil) -> ToolCallRecord {
        var record = ToolCallRecord(callID: id, name: name, arguments: "{}", status: .requested)
        record.refusal = refusal
        return record
    }

    @Test func aCallToAToolTheRunWasNotGivenIsRefusedAndAnsweredWithAnError() throws {
        var ledger = Ledger()
        ledger.start(tools: ["read_file"])
        ledger.response("resp_0", calls: [("shell", "call_a"), ("read_file", "call_b")])
        let shell = call("call_a", "shell", refusal: .notOffered)
        #expect(ledger.state.nextStep == .refuseTools([shell]))

        let refused = ToolRefused(refusing: shell, reason: .notOffered)
        try ledger.refuse(refused)
        #expect(ledger.state.nextStep == .runTools([call("call_b", "read_file")]))
        ledger.run("call_b")
        let state = ledger.state
        #expect(state.nextStep == .sendRequest)
        #expect(
            state.pendingInput == [
                Items.functionCallOutput(callID: "call_a", output: try #require(refused.output)),
                Items.functionCallOutput(callID: "call_b", output: "ran"),
            ])
        #expect(refused.output?.contains("not available in this run") == true)
    }

    @Test func aRefusedCallIsNeverGatedByApproval() {
        var ledger = Ledger()
        ledger.add(
            .run, RunEventType.started,
            #"{"cwd":"/w","model":"m","prompt":"go","tools":[],"require_approval":["shell"]}"#)
        ledger.response("resp_0", calls: [("shell", "call_a")])
        #expect(ledger.state.nextStep == .refuseTools([call("call_a", "shell", refusal: .notOffered)]))
    }

    @Test func aRepeatedCallIDInOneResponseRunsTheFirstCallOnce() throws {
        var ledger = Ledger()
        ledger.start(tools: ["shell"])
        ledger.response("resp_0", calls: [("shell", "call_dup"), ("shell", "call_dup")])
        let duplicate = call("call_dup", "shell", refusal: .duplicateCallID)
        #expect(ledger.state.nextStep == .refuseTools([duplicate]))
        try ledger.refuse(ToolRefused(refusing: duplicate, reason: .duplicateCallID))
        #expect(ledger.state.nextStep == .runTools([call("call_dup", "shell")]))
        ledger.run("call_dup")
        let state = ledger.state
        // One output for the id (the API pairs outputs with calls by id), and nothing left to run.
        #expect(state.nextStep == .sendRequest)
        #expect(state.pendingInput == [Items.functionCallOutput(callID: "call_dup", output: "ran")])
        #expect(state.toolCalls.map(\.status) == [.finished, .finished])
    }

    @Test func theFirstCallOfARepeatedIDFinishesEvenWhenTheDuplicateIsRefusedLater() throws {
        // The order the engine does not use, as a ledger of another version might hold it.
        var ledger = Ledger()
        ledger.start(tools: ["shell"])
        ledger.response("resp_0", calls: [("shell", "call_dup"), ("shell", "call_dup")])
        ledger.run("call_dup")
        let duplicate = call("call_dup", "shell", refusal: .duplicateCallID)
        #expect(ledger.state.nextStep == .refuseTools([duplicate]))
        try ledger.refuse(ToolRefused(refusing: duplicate, reason: .duplicateCallID))
        #expect(ledger.state.nextStep == .sendRequest)
    }

    @Test func aCallIDReusedInALaterResponseNeverRunsAgain() throws {
        var ledger = Ledger()
        ledger.start(tools: ["shell"])
        ledger.response("resp_0", calls: [("shell", "call_x")])
        ledger.run("call_x")
        ledger.response(
            "resp_1", calls: [("shell", "call_x")],
            input: #"[{"type":"function_call_output","call_id":"call_x","output":"ran"}]"#)
        let reused = call("call_x", "shell", refusal: .duplicateCallID)
        #expect(ledger.state.nextStep == .refuseTools([reused]))
        try ledger.refuse(ToolRefused(refusing: reused, reason: .duplicateCallID))
        let state = ledger.state
        // The id is answered already; the response asked for nothing else, so the run is done.
        #expect(state.nextStep == .complete)
        #expect(state.pendingInput.isEmpty)
    }

    @Test func theRefusalRoundTripsThroughItsDecoder() throws {
        let refused = ToolRefused(refusing: call("c", "write_file"), reason: .notOffered)
        #expect(try ToolRefused(json: try JSONCoding.encode(refused)) == refused)
        let duplicate = ToolRefused(refusing: call("c", "shell"), reason: .duplicateCallID)
        #expect(try ToolRefused(json: try JSONCoding.encode(duplicate)) == duplicate)
    }
}
