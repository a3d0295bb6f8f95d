import AgentModel
import AgentProtocol
import Foundation
import Testing
import TestSupport

@Suite("Method golden JSON")
struct MethodGoldenTests {
    @Test func initializeRequest() throws {
        let request = JSONRPCRequest(
            id: .number(1), Initialize.self,
            Initialize.Params(protocolVersion: "1.0", client: .init(name: "agentctl", version: "0.1.0")))
        try checkCoding(
            request,
            json:
                #"{"id":1,"jsonrpc":"2.0","method":"initialize","params":{"client":{"name":"agentctl","version":"0.1.0"},"protocol_version":"1.0"}}"#
        )
    }

    @Test func initializeResult() throws {
        let response = JSONRPCResponse(
            id: .string("a"),
            result: Initialize.Result(
                protocolVersion: "1.0", daemon: .init(version: "0.1.0"), capabilities: ["run/attach", "run/start"]))
        try checkCoding(
            response,
            json:
                #"{"id":"a","jsonrpc":"2.0","result":{"capabilities":["run/attach","run/start"],"daemon":{"name":"agentd","version":"0.1.0"},"protocol_version":"1.0"}}"#
        )
    }

    @Test func runStartParamsFull() throws {
        let params = RunStart.Params(
            prompt: "hi", model: "gpt-test", cwd: "/tmp/w", instructions: "be brief", tools: ["shell"], requestID: "r1")
        try checkCoding(
            params,
            json:
                #"{"cwd":"/tmp/w","instructions":"be brief","model":"gpt-test","prompt":"hi","request_id":"r1","tools":["shell"]}"#
        )
    }

    @Test func runStartParamsWithReasoningEffortAndOutputLimit() throws {
        var params = RunStart.Params(prompt: "hi")
        params.effort = "high"
        params.maxOutputTokens = 4096
        try checkCoding(params, json: #"{"effort":"high","max_output_tokens":4096,"prompt":"hi"}"#)
    }

    @Test func runStartParamsWithAToolFormat() throws {
        var params = RunStart.Params(prompt: "hi")
        params.toolFormat = .native
        try checkCoding(params, json: #"{"prompt":"hi","tool_format":"native"}"#)
    }

    @Test func runInfoNamesItsToolFormat() throws {
        var info = Fixtures.minimalRunInfo
        info.toolFormat = .native
        let json = Fixtures.minimalRunInfoJSON.replacingOccurrences(
            of: #""tool_calls":[],"#, with: #""tool_calls":[],"tool_format":"native","#)
        try checkCoding(info, json: json)
    }

    @Test func runStartParamsMinimal() throws {
        try checkCoding(RunStart.Params(prompt: "hi"), json: #"{"prompt":"hi"}"#)
    }

    @Test func runStartResult() throws {
        try checkCoding(RunStart.Result(run: Fixtures.runInfo), json: #"{"run":"# + Fixtures.runInfoJSON + "}")
    }

    @Test func runInfoWithoutOptionalFields() throws {
        try checkCoding(Fixtures.minimalRunInfo, json: Fixtures.minimalRunInfoJSON)
    }

    @Test func runGet() throws {
        try checkCoding(
            JSONRPCRequest(id: .number(2), RunGet.self, RunGet.Params(runID: Fixtures.runID)),
            json: #"{"id":2,"jsonrpc":"2.0","method":"run/get","params":{"run_id":"run_1"}}"#)
        try checkCoding(
            RunGet.Result(run: Fixtures.minimalRunInfo), json: #"{"run":"# + Fixtures.minimalRunInfoJSON + "}")
    }

    @Test func runList() throws {
        try checkCoding(RunList.Params(limit: 10, cursor: "run_2"), json: #"{"cursor":"run_2","limit":10}"#)
        try checkCoding(RunList.Params(), json: #"{}"#)
        let result = RunList.Result(
            runs: [
                RunListEntry(
                    id: Fixtures.runID, status: .completed, model: "m", prompt: "p", createdAtMillis: 1,
                    updatedAtMillis: 2)
            ],
            nextCursor: "run_1")
        try checkCoding(
            result,
            json:
                #"{"next_cursor":"run_1","runs":[{"created_at_ms":1,"id":"run_1","model":"m","prompt":"p","status":"completed","updated_at_ms":2}]}"#
        )
    }

    @Test func runAttach() throws {
        try checkCoding(
            RunAttach.Params(runID: Fixtures.runID, fromSeq: 5), json: #"{"from_seq":5,"run_id":"run_1"}"#)
        try checkCoding(
            RunAttach.Params(runID: Fixtures.runID, fromEnd: true), json: #"{"from_end":true,"run_id":"run_1"}"#)
        try checkCoding(RunAttach.Params(runID: Fixtures.runID, last: 3), json: #"{"last":3,"run_id":"run_1"}"#)
        try checkCoding(
            RunAttach.Result(run: Fixtures.minimalRunInfo, subscriptionID: "sub_1"),
            json: #"{"run":"# + Fixtures.minimalRunInfoJSON + #","subscription_id":"sub_1"}"#)
    }

    @Test func runDetach() throws {
        try checkCoding(
            JSONRPCRequest(id: .number(3), RunDetach.self, RunDetach.Params(subscriptionID: "sub_1")),
            json: #"{"id":3,"jsonrpc":"2.0","method":"run/detach","params":{"subscription_id":"sub_1"}}"#)
        try checkCoding(
            JSONRPCResponse(id: .number(3), result: RunDetach.Result()), json: #"{"id":3,"jsonrpc":"2.0","result":{}}"#)
    }

    @Test func daemonStatus() throws {
        try checkCoding(
            JSONRPCRequest(id: .number(4), DaemonStatus.self, EmptyObject()),
            json: #"{"id":4,"jsonrpc":"2.0","method":"daemon/status","params":{}}"#)
        let result = DaemonStatus.Result(
            version: "0.1.0", pid: 42, socketPath: "/run/agentd/s.sock", stateDir: "/var/lib/agentd",
            startedAtMillis: 1000, runsActive: 1, clients: 2, upstream: [["state": "open", "in_flight": 0]])
        try checkCoding(
            result,
            json: #"{"clients":2,"pid":42,"runs_active":1,"socket_path":"/run/agentd/s.sock","started_at_ms":1000,"#
                + #""state_dir":"/var/lib/agentd","upstream":[{"in_flight":0,"state":"open"}],"version":"0.1.0"}"#)
    }

    @Test func daemonStatusReportsHowToolsAreContained() throws {
        let result = DaemonStatus.Result(
            version: "0.1.0", pid: 42, socketPath: "/run/agentd/s.sock", stateDir: "/var/lib/agentd",
            startedAtMillis: 1000, runsActive: 0, clients: 1, upstream: [],
            tools: DaemonStatus.Tools(
                containment: "cgroup", sandbox: "none", sandboxUnavailable: "/usr/bin/bwrap is not installed",
                orphansReaped: 3))
        try checkCoding(
            result,
            json: #"{"clients":1,"pid":42,"runs_active":0,"socket_path":"/run/agentd/s.sock","started_at_ms":1000,"#
                + #""state_dir":"/var/lib/agentd","tools":{"containment":"cgroup","orphans_reaped":3,"sandbox":"none","#
                + #""sandbox_unavailable":"/usr/bin/bwrap is not installed"},"upstream":[],"version":"0.1.0"}"#)
    }

    @Test func registryListsEveryMethodOnce() {
        #expect(
            ControlMethods.requestNames == [
                "initialize", "run/start", "run/prompt", "run/fork", "run/get", "run/list", "run/attach", "run/detach",
                "run/input", "run/cancel", "run/resume", "approval/list", "approval/resolve", "tool/output", "daemon/status", "daemon/metrics",
            ])
        #expect(ControlMethods.notificationNames == ["run/event", "run/attach_ended"])
    }
}
