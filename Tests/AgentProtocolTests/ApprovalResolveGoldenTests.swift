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
