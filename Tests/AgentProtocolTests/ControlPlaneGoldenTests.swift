import AgentModel
import AgentProtocol
import Testing
import TestSupport

@Suite("Control plane golden JSON")
struct ControlPlaneGoldenTests {
    @Test func runStartWithRequireApproval() throws {
        let params = RunStart.Params(prompt: "hi", requireApproval: ["shell"], requestID: "r1")
        try checkCoding(params, json: #"{"prompt":"hi","request_id":"r1","require_approval":["shell"]}"#)
    }

    @Test func toolCallInfoWithApproval() throws {
        let call = ToolCallInfo(callID: "c1", name: "shell", arguments: "{}", status: "requested", approval: "pending")
        try checkCoding(
            call, json: #"{"approval":"pending","arguments":"{}","call_id":"c1","name":"shell","status":"requested"}"#)
    }

    @Test func runInputRequest() throws {
        let request = JSONRPCRequest(
            id: .number(5), RunInput.self,
            RunInput.Params(runID: Fixtures.runID, text: "also check /tmp", inputID: "i1", requestID: "r2"))
        try checkCoding(
            request,
            json:
                #"{"id":5,"jsonrpc":"2.0","method":"run/input","params":{"input_id":"i1","request_id":"r2","run_id":"run_1","text":"also check /tmp"}}"#
        )
        try checkCoding(
            RunInput.Params(runID: Fixtures.runID, text: "hi"), json: #"{"run_id":"run_1","text":"hi"}"#)
    }

    @Test func runInputResult() throws {
        try checkCoding(
            RunInput.Result(run: Fixtures.minimalRunInfo, applied: false, inputID: "i1"),
            json: #"{"applied":false,"input_id":"i1","run":"# + Fixtures.minimalRunInfoJSON + "}")
    }

    @Test func runCancel() throws {
        try checkCoding(
            JSONRPCRequest(
                id: .number(6), RunCancel.self,
                RunCancel.Params(runID: Fixtures.runID, mode: .afterTool, reason: "enough", requestID: "r3")),
            json:
                #"{"id":6,"jsonrpc":"2.0","method":"run/cancel","params":{"mode":"after_tool","reason":"enough","request_id":"r3","run_id":"run_1"}}"#
        )
        try checkCoding(RunCancel.Params(runID: Fixtures.runID, mode: .now), json: #"{"mode":"now","run_id":"run_1"}"#)
        try checkCoding(RunCancel.Params(runID: Fixtures.runID), json: #"{"run_id":"run_1"}"#)
        try checkCoding(
            RunCancel.Result(run: Fixtures.minimalRunInfo), json: #"{"run":"# + Fixtures.minimalRunInfoJSON + "}")
    }

    @Test func runResume() throws {
        try checkCoding(
            JSONRPCRequest(id: .number(7), RunResume.self, RunResume.Params(runID: Fixtures.runID)),
            json: #"{"id":7,"jsonrpc":"2.0","method":"run/resume","params":{"run_id":"run_1"}}"#)
        try checkCoding(
            RunResume.Result(run: Fixtures.minimalRunInfo), json: #"{"run":"# + Fixtures.minimalRunInfoJSON + "}")
    }

    @Test func approvalList() throws {
        try checkCoding(
            JSONRPCRequest(id: .number(8), ApprovalList.self, ApprovalList.Params(runID: Fixtures.runID)),
            json: #"{"id":8,"jsonrpc":"2.0","method":"approval/list","params":{"run_id":"run_1"}}"#)
        try checkCoding(ApprovalList.Params(), json: #"{}"#)
        let result = ApprovalList.Result(approvals: [
            ApprovalInfo(
                runID: Fixtures.runID, callID: "c1", name: "shell", arguments: #"{"cmd":"rm -rf build"}"#,
                reason: "policy"),
            ApprovalInfo(runID: Fixtures.runID, callID: "c2", name: "shell", arguments: "{}"),
        ])
        try checkCoding(
            result,
            json: #"{"approvals":[{"arguments":"{\"cmd\":\"rm -rf build\"}","call_id":"c1","name":"shell","#
                + #""reason":"policy","run_id":"run_1"},{"arguments":"{}","call_id":"c2","name":"shell","run_id":"run_1"}]}"#
        )
    }

    @Test func approvalInfoFromARecord() {
        let waiting = ToolCallRecord(
            callID: "c1", name: "shell", arguments: "{}", status: .requested, approval: .pending)
        var started = waiting
        started.status = .running
        #expect(
            ApprovalInfo(runID: Fixtures.runID, record: waiting)
                == ApprovalInfo(runID: Fixtures.runID, callID: "c1", name: "shell", arguments: "{}", reason: "policy"))
        #expect(ApprovalInfo(runID: Fixtures.runID, record: started).reason == "uncertain")
    }

    @Test func approvalResolve() throws {
        try checkCoding(
            JSONRPCRequest(
                id: .number(9), ApprovalResolve.self,
                ApprovalResolve.Params(
                    runID: Fixtures.runID, callID: "c1", approve: false, reason: "not on prod", requestID: "r4")),
            json:
                #"{"id":9,"jsonrpc":"2.0","method":"approval/resolve","params":{"approve":false,"call_id":"c1","reason":"not on prod","request_id":"r4","run_id":"run_1"}}"#
        )
        try checkCoding(
            ApprovalResolve.Params(runID: Fixtures.runID, callID: "c1", approve: true),
            json: #"{"approve":true,"call_id":"c1","run_id":"run_1"}"#)
        try checkCoding(
            ApprovalResolve.Result(outcome: .resolved, approved: true), json: #"{"approved":true,"outcome":"resolved"}"#
        )
        try checkCoding(
            ApprovalResolve.Result(outcome: .alreadyResolved, approved: false),
            json: #"{"approved":false,"outcome":"already_resolved"}"#)
    }

    @Test func newErrors() throws {
        try checkCoding(
            JSONRPCErrorResponse(
                id: .number(9), error: .approvalNotFound(runID: Fixtures.runID, callID: "c9")),
            json: #"{"error":{"code":-32008,"data":{"call_id":"c9","run_id":"run_1"},"#
                + #""message":"approval not found: run run_1 has no call c9 waiting for a decision; "#
                + #"list waiting calls with \"approval/list\""},"id":9,"jsonrpc":"2.0"}"#)
        try checkCoding(
            JSONRPCErrorResponse(id: .number(10), error: .idempotencyKeyReused(requestID: "r1", method: "run/start")),
            json: #"{"error":{"code":-32009,"data":{"request_id":"r1"},"#
                + #""message":"idempotency key reused: request_id \"r1\" was already used with different parameters "#
                + #"(run/start); choose a new request_id for a new request"},"id":10,"jsonrpc":"2.0"}"#)
        #expect(!ControlError.Code.approvalNotFound.isRetryable)
        #expect(!ControlError.Code.idempotencyKeyReused.isRetryable)
    }
}
