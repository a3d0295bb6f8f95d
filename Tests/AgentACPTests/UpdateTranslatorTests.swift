import AgentModel
import Testing

@testable import AgentACP

/// Ledger events as agentd writes them (payload shapes from docs/ledger.md), fed to the translator.
@Suite("UpdateTranslator")
struct UpdateTranslatorTests {
    private struct Events {
        var seq: Int64 = 0
        mutating func next(_ kind: EventKind, _ type: String, _ payload: String) -> LedgerEvent {
            defer { seq += 1 }
            return LedgerEvent(runID: RunID(rawValue: "run_1"), seq: seq, timestampMillis: 1000 + seq, kind: kind, type: type, payload: payload)
        }
    }

    @Test func aTurnWithAShellCallStreamsTextAndEndsTheTurn() {
        var events = Events()
        var translator = UpdateTranslator(contextWindow: 1000)
        var outputs: [TranslatorOutput] = []
        let feed: [LedgerEvent] = [
            events.next(.run, "run.started", #"{"cwd":"/w","model":"m","prompt":"list files","tools":["shell"]}"#),
            events.next(.upstreamIn, "response.output_item.done", #"{"type":"response.output_item.done","item":{"type":"function_call","call_id":"c1","name":"shell","arguments":"{\"cmd\":\"ls\"}"}}"#),
            events.next(.upstreamIn, "response.completed", #"{"type":"response.completed","response":{"id":"r1","output":[{"type":"function_call","call_id":"c1","name":"shell","arguments":"{\"cmd\":\"ls\"}"}],"usage":{"input_tokens":10,"output_tokens":5}}}"#),
            events.next(.tool, "tool.started", #"{"call_id":"c1","name":"shell","arguments":"{\"cmd\":\"ls\"}","cwd":"/w"}"#),
            events.next(.tool, "tool.finished", #"{"call_id":"c1","exit_code":0,"duration_ms":3,"output":"{\"stdout\":\"a.txt\\n\",\"exit_code\":0}","timed_out":false,"truncated_bytes":0}"#),
            events.next(.upstreamIn, "response.output_text.delta", #"{"type":"response.output_text.delta","delta":"One "}"#),
            events.next(.upstreamIn, "response.output_text.delta", #"{"type":"response.output_text.delta","delta":"file."}"#),
            events.next(.upstreamIn, "response.completed", #"{"type":"response.completed","response":{"id":"r2","output":[{"type":"message","content":[{"type":"output_text","text":"One file."}]}],"usage":{"input_tokens":20,"output_tokens":3}}}"#),
            events.next(.run, "run.completed", "{}"),
        ]
        for event in feed { outputs += translator.apply(event) }
        #expect(
            outputs == [
                .turnStarted(turn: 1, prompt: "list files"),
                .update(.userMessageChunk(.text("list files"))),
                .update(
                    .toolCall(
                        ToolCallFields(toolCallId: "c1", title: "ls", kind: .execute, status: .pending, rawInput: ["cmd": "ls"]))),
                .update(.usageUpdate(used: 15, size: 1000)),
                .update(.toolCallUpdate(ToolCallFields(toolCallId: "c1", status: .inProgress))),
                .update(
                    .toolCallUpdate(
                        ToolCallFields(
                            toolCallId: "c1", status: .completed, content: [.content(.text("a.txt\n"))],
                            rawOutput: ["stdout": "a.txt\n", "exit_code": 0]))),
                .update(.agentMessageChunk(.text("One "))),
                .update(.agentMessageChunk(.text("file."))),
                .update(.usageUpdate(used: 23, size: 1000)),
                .turnEnded(turn: 1, .stopped(.endTurn, TurnUsage(inputTokens: 30, outputTokens: 8))),
            ])
    }

    @Test func aSecondTurnAndACancelledOneCloseTheirOpenCalls() {
        var events = Events()
        var translator = UpdateTranslator(contextWindow: 1000)
        _ = translator.apply(events.next(.run, "run.started", #"{"cwd":"/w","model":"m","prompt":"","tools":[]}"#))
        #expect(translator.turn == 0)
        let started = translator.apply(events.next(.run, "turn.started", #"{"turn":2,"prompt":"sleep"}"#))
        #expect(started == [.turnStarted(turn: 2, prompt: "sleep"), .update(.userMessageChunk(.text("sleep")))])
        _ = translator.apply(events.next(.tool, "tool.started", #"{"call_id":"c9","name":"shell","arguments":"{\"cmd\":\"sleep 30\"}","cwd":"/w"}"#))
        let cancelled = translator.apply(events.next(.run, "run.cancelled", #"{"reason":"cancelled by x"}"#))
        #expect(
            cancelled == [
                .update(.toolCallUpdate(ToolCallFields(toolCallId: "c9", status: .failed, content: [.content(.text("cancelled"))]))),
                .turnEnded(turn: 2, .stopped(.cancelled, TurnUsage(inputTokens: 0, outputTokens: 0))),
            ])
    }

    @Test func anApprovalAsksThenADenialFailsTheCall() {
        var events = Events()
        var translator = UpdateTranslator(contextWindow: 1000)
        _ = translator.apply(events.next(.run, "run.started", #"{"cwd":"/w","model":"m","prompt":"go","tools":[]}"#))
        let asked = translator.apply(
            events.next(.control, "approval.requested", #"{"call_id":"c1","name":"write_file","arguments":"{\"path\":\"a.txt\",\"content\":\"hi\\n\"}","reason":"policy"}"#))
        let fields = ToolCallFields(
            toolCallId: "c1", title: "Write a.txt", kind: .edit, status: .pending,
            content: [.diff(path: "/w/a.txt", oldText: nil, newText: "hi\n")], locations: [ToolCallLocation(path: "/w/a.txt")],
            rawInput: ["path": "a.txt", "content": "hi\n"])
        #expect(
            asked == [
                .update(.toolCall(fields)),
                .permissionNeeded(PermissionNeed(callID: "c1", tool: "write_file", toolCall: fields)),
            ])
        let denied = translator.apply(
            events.next(.control, "approval.resolved", #"{"call_id":"c1","approved":false,"reason":"no","client":"agentctl","uid":1000}"#))
        #expect(
            denied == [
                .approvalSettled(callID: "c1", approved: false),
                .update(.toolCallUpdate(ToolCallFields(toolCallId: "c1", status: .failed, content: [.content(.text("Rejected by agentctl: no"))]))),
            ])
    }

    @Test func reasoningSummariesAreThoughtsAndAFailedTurnSaysWhy() {
        var events = Events()
        var translator = UpdateTranslator(contextWindow: 1000)
        _ = translator.apply(events.next(.run, "run.started", #"{"cwd":"/w","model":"m","prompt":"go","tools":[]}"#))
        #expect(
            translator.apply(events.next(.upstreamIn, "response.reasoning_summary_text.delta", #"{"type":"response.reasoning_summary_text.delta","delta":"Thinking"}"#))
                == [.update(.agentThoughtChunk(.text("Thinking")))])
        #expect(
            translator.apply(events.next(.run, "run.failed", #"{"reason":"rate limited","code":"rate_limit"}"#))
                == [.turnEnded(turn: 1, .failed("the turn failed: rate limited; session/load the session, then prompt again"))])
    }

    @Test func aForkReplaysTheConversationItHolds() throws {
        var events = Events()
        var translator = UpdateTranslator(contextWindow: 1000)
        let forked = RunForked(
            parentRunID: RunID(rawValue: "run_0"), turn: 1, turns: [],
            conversation: [
                Items.userMessage("list"),
                ["type": "function_call", "call_id": "c1", "name": "shell", "arguments": #"{"cmd":"ls"}"#],
                Items.functionCallOutput(callID: "c1", output: "a.txt"),
                ["type": "message", "role": "assistant", "content": [["type": "output_text", "text": "One file."]]],
            ],
            outputText: "One file.")
        _ = translator.apply(events.next(.run, "run.started", #"{"cwd":"/w","model":"m","prompt":"","tools":["shell"]}"#))
        let outputs = translator.apply(events.next(.run, "run.forked", try JSONCoding.encode(forked)))
        #expect(
            outputs == [
                .update(.userMessageChunk(.text("list"))),
                .update(
                    .toolCall(
                        ToolCallFields(toolCallId: "c1", title: "ls", kind: .execute, status: .pending, rawInput: ["cmd": "ls"]))),
                .update(.toolCallUpdate(ToolCallFields(toolCallId: "c1", status: .completed, content: [.content(.text("a.txt"))]))),
                .update(.agentMessageChunk(.text("One file."))),
            ])
        #expect(translator.turn == 1)
    }

    @Test func aCallARuleRejectsFailsNamingTheRule() throws {
        var events = Events()
        var translator = UpdateTranslator(contextWindow: 1000)
        _ = translator.apply(events.next(.run, "run.started", #"{"cwd":"/w","model":"m","prompt":"go","tools":["shell"]}"#))
        let rule = ApprovalRule(tool: "shell", approved: false, callID: "c0", client: "Zed", uid: 1)
        let call = ToolCallRecord(callID: "c1", name: "shell", arguments: "{}", status: .requested)
        let outputs = translator.apply(
            events.next(.control, "approval.resolved", try JSONCoding.encode(rule.decision(on: call))))
        #expect(
            outputs == [
                .approvalSettled(callID: "c1", approved: false),
                .update(
                    .toolCallUpdate(
                        ToolCallFields(
                            toolCallId: "c1", status: .failed,
                            content: [.content(.text("Rejected by Zed: reject_always rule for shell (set in Zed on c0)"))]))),
            ])
    }

    @Test func aTurnThatMadeTooManyRequestsStopsWithMaxTurnRequests() {
        var events = Events()
        var translator = UpdateTranslator(contextWindow: 1000)
        _ = translator.apply(events.next(.run, "run.started", #"{"cwd":"/w","model":"m","prompt":"go","tools":[]}"#))
        #expect(
            translator.apply(
                events.next(.run, "run.failed", #"{"reason":"the run reached run.max_responses (3)","code":"max_responses"}"#))
                == [.turnEnded(turn: 1, .stopped(.maxTurnRequests, TurnUsage(inputTokens: 0, outputTokens: 0)))])
    }

    @Test func aRefusedCallFailsWithTheRefusalTheModelGets() throws {
        var events = Events()
        var translator = UpdateTranslator(contextWindow: 1000)
        _ = translator.apply(events.next(.run, "run.started", #"{"cwd":"/w","model":"m","prompt":"go","tools":["shell"]}"#))
        _ = translator.apply(
            events.next(
                .upstreamIn, "response.output_item.done",
                #"{"type":"response.output_item.done","item":{"type":"function_call","call_id":"c1","name":"write_file","arguments":"{}"}}"#
            ))
        let refused = ToolRefused(callID: "c1", name: "write_file", reason: .notOffered, output: "not available")
        #expect(
            translator.apply(events.next(.tool, "tool.refused", try JSONCoding.encode(refused)))
                == [
                    .update(
                        .toolCallUpdate(
                            ToolCallFields(toolCallId: "c1", status: .failed, content: [.content(.text("not available"))])))
                ])
    }
}
