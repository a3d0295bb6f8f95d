import AgentModel
import AgentProtocol
import Testing
import TestSupport

@Suite("approval/resolve golden JSON")
struct ApprovalResolveGoldenTests {
    @Test func alreadyResolvedNamesWhoDecided() throws {
        try checkCoding(
            ApprovalResolve.Result(
                outcome: .alreadyResolved, approved: true,
                decidedBy: ApprovalResolve.DecidedBy(client: "agentctl", uid: 1000)),
            json: #"{"approved":true,"decided_by":{"client":"agentctl","uid":1000},"outcome":"already_resolved"}"#)
    }

    @Test func aDecisionOfAnUnnamedClientHasOnlyTheUID() throws {
        try checkCoding(
            ApprovalResolve.Result(
                outcome: .alreadyResolved, approved: false, decidedBy: ApprovalResolve.DecidedBy(client: nil, uid: 0)),
            json: #"{"approved":false,"decided_by":{"uid":0},"outcome":"already_resolved"}"#)
    }
}

@Suite("approval rules golden JSON")
struct ApprovalRuleGoldenTests {
    @Test func anAlwaysDecisionSaysRememberAlways() throws {
        try checkCoding(
            ApprovalResolve.Params(runID: RunID(rawValue: "run_1"), callID: "c1", approve: false, remember: .always),
            json: #"{"approve":false,"call_id":"c1","remember":"always","run_id":"run_1"}"#)
        try checkCoding(
            ApprovalResolve.Params(runID: RunID(rawValue: "run_1"), callID: "c1", approve: true, remember: .once),
            json: #"{"approve":true,"call_id":"c1","remember":"once","run_id":"run_1"}"#)
    }

    @Test func aRunShowsItsRulesSortedByTool() throws {
        var state = RunState(id: RunID(rawValue: "run_1"))
        state.approvalRules = [
            "shell": ApprovalRule(tool: "shell", approved: true, callID: "c1", client: "Zed", uid: 1000),
            "apply_patch": ApprovalRule(tool: "apply_patch", approved: false, callID: "c2", client: nil, uid: 0),
        ]
        let info = RunInfo(state)
        try checkCoding(
            try #require(info.approvalRules),
            json: #"[{"approved":false,"call_id":"c2","tool":"apply_patch","uid":0},"#
                + #"{"approved":true,"call_id":"c1","client":"Zed","tool":"shell","uid":1000}]"#)
        #expect(RunInfo(RunState(id: RunID(rawValue: "run_1"))).approvalRules == nil)
    }
}
