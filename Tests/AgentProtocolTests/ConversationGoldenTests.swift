import AgentModel
import AgentProtocol
import Testing
import TestSupport

@Suite("Conversation golden JSON")
struct ConversationGoldenTests {
    @Test func runStartWithoutPromptStartsIdle() throws {
        try checkCoding(RunStart.Params(prompt: nil, model: "gpt-test"), json: #"{"model":"gpt-test"}"#)
    }

    @Test func runPromptRequest() throws {
        try checkCoding(
            JSONRPCRequest(
                id: .number(8), RunPrompt.self,
                RunPrompt.Params(runID: Fixtures.runID, text: "now fix it", requestID: "r4", effort: "low")),
            json:
                #"{"id":8,"jsonrpc":"2.0","method":"run/prompt","params":{"effort":"low","request_id":"r4","run_id":"run_1","text":"now fix it"}}"#
        )
        try checkCoding(
            RunPrompt.Params(runID: Fixtures.runID, text: "again"), json: #"{"run_id":"run_1","text":"again"}"#)
    }

    @Test func runPromptResult() throws {
        try checkCoding(
            RunPrompt.Result(run: Fixtures.minimalRunInfo, turn: 2),
            json: #"{"run":"# + Fixtures.minimalRunInfoJSON + #","turn":2}"#)
    }

    @Test func runFork() throws {
        try checkCoding(
            JSONRPCRequest(
                id: .number(9), RunFork.self, RunFork.Params(runID: Fixtures.runID, atTurn: 1, requestID: "r5")),
            json:
                #"{"id":9,"jsonrpc":"2.0","method":"run/fork","params":{"at_turn":1,"request_id":"r5","run_id":"run_1"}}"#
        )
        try checkCoding(RunFork.Params(runID: Fixtures.runID), json: #"{"run_id":"run_1"}"#)
        try checkCoding(
            RunFork.Result(run: Fixtures.minimalRunInfo), json: #"{"run":"# + Fixtures.minimalRunInfoJSON + "}")
    }

    @Test func runInfoWithTurns() throws {
        var info = Fixtures.minimalRunInfo
        info.status = .idle
        info.turns = 2
        info.lastPrompt = "now fix it"
        info.turnList = [
            TurnInfo(turn: 1, prompt: "p", status: .completed, toolCalls: 2, inputTokens: 10, outputTokens: 5),
            TurnInfo(turn: 2, prompt: "now fix it", status: .cancelled, toolCalls: 0, inputTokens: 0, outputTokens: 0),
        ]
        try checkCoding(
            info,
            json: #"{"created_at_ms":1,"cwd":"/","id":"run_1","input_tokens":0,"last_prompt":"now fix it","last_seq":-1,"#
                + #""model":"m","output_text":"","output_tokens":0,"prompt":"p","responses_completed":0,"status":"idle","#
                + #""tool_calls":[],"turn_list":[{"input_tokens":10,"output_tokens":5,"prompt":"p","status":"completed","#
                + #""tool_calls":2,"turn":1},{"input_tokens":0,"output_tokens":0,"prompt":"now fix it","status":"cancelled","#
                + #""tool_calls":0,"turn":2}],"turns":2,"updated_at_ms":2}"#)
    }

    @Test func runListEntryWithTurns() throws {
        let entry = RunListEntry(
            id: Fixtures.runID, status: .completed, model: "m", prompt: "p", createdAtMillis: 1, updatedAtMillis: 2,
            turns: 3, lastPrompt: "and now?")
        try checkCoding(
            entry,
            json: #"{"created_at_ms":1,"id":"run_1","last_prompt":"and now?","model":"m","prompt":"p","#
                + #""status":"completed","turns":3,"updated_at_ms":2}"#)
    }

    @Test func turnEventPayloads() throws {
        try checkCoding(
            TurnStarted(turn: 2, prompt: "now fix it", inputID: "req_r4"),
            json: #"{"input_id":"req_r4","prompt":"now fix it","turn":2}"#)
        try checkCoding(TurnStarted(turn: 1, prompt: "hi"), json: #"{"prompt":"hi","turn":1}"#)
        let forked = RunForked(
            parentRunID: Fixtures.runID, turn: 1,
            turns: [TurnRecord(turn: 1, prompt: "hi", status: .completed, toolCalls: 0, inputTokens: 3, outputTokens: 1)],
            conversation: [Items.userMessage("hi")], outputText: "hello")
        try checkCoding(
            forked,
            json: #"{"conversation":[{"content":[{"text":"hi","type":"input_text"}],"role":"user","type":"message"}],"#
                + #""output_text":"hello","parent_run_id":"run_1","turn":1,"turns":[{"input_tokens":3,"#
                + #""output_tokens":1,"prompt":"hi","status":"completed","tool_calls":0,"turn":1}]}"#)
    }
}

@Suite("Conversation attach golden JSON")
struct ConversationAttachGoldenTests {
    @Test func attachAcrossTurns() throws {
        var params = RunAttach.Params(runID: Fixtures.runID, fromSeq: 0)
        params.acrossTurns = true
        try checkCoding(params, json: #"{"across_turns":true,"from_seq":0,"run_id":"run_1"}"#)
    }
}
