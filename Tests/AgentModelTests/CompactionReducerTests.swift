import Testing

@testable import AgentModel

/// Compaction, `/responses/compact` recovery and incomplete responses, folded by the reducer.
struct CompactionReducerTests {
    private static let run = EventScenarios.run

    private func events(_ specs: [(EventKind, String, String)]) -> [LedgerEvent] {
        specs.enumerated().map { index, spec in
            LedgerEvent(
                runID: Self.run, seq: Int64(index), timestampMillis: 1_000 + Int64(index), kind: spec.0, type: spec.1,
                payload: spec.2)
        }
    }

    private static let started: (EventKind, String, String) =
        (.run, RunEventType.started, #"{"cwd":"/w","model":"m","prompt":"go","tools":["shell"]}"#)
    private static let firstCreate: (EventKind, String, String) = (
        .upstreamOut, "response.create",
        #"{"type":"response.create","model":"m","input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"go"}]}]}"#
    )

    @Test func aCompactionItemPrunesTheConversationToWhatARebuildSends() {
        let state = RunReducer.replay(
            Self.run,
            events([
                Self.started, Self.firstCreate,
                (
                    .upstreamIn, "response.completed",
                    #"{"type":"response.completed","response":{"id":"r1","status":"completed","output":[{"type":"function_call","call_id":"c1","name":"shell","arguments":"{}"}]}}"#
                ),
                (.tool, ToolEventType.started, #"{"call_id":"c1","name":"shell","arguments":"{}","cwd":"/w"}"#),
                (
                    .tool, ToolEventType.finished,
                    #"{"call_id":"c1","exit_code":0,"duration_ms":1,"output":"big","timed_out":false,"truncated_bytes":0}"#
                ),
                (
                    .upstreamOut, "response.create",
                    #"{"type":"response.create","model":"m","previous_response_id":"r1","input":[{"type":"function_call_output","call_id":"c1","output":"big"}]}"#
                ),
                (
                    .upstreamIn, "response.completed",
                    #"{"type":"response.completed","response":{"id":"r2","status":"completed","output":[{"id":"cmp_1","type":"compaction","encrypted_content":"gAAA"},{"type":"message","role":"assistant","content":[{"type":"output_text","text":"done"}]}]}}"#
                ),
            ]))
        #expect(state.compactions == 1)
        #expect(state.conversation.map { $0["type"]?.stringValue } == ["message", "compaction", "message"])
        #expect(state.conversation.first == Items.userMessage("go"))
        #expect(state.nextStep == .complete)
    }

    @Test func contextOverflowCompactsOnceThenStartsANewChainFromTheCompactedOutput() {
        let overflow: (EventKind, String, String) = (
            .upstreamIn, "error",
            #"{"type":"error","status":400,"error":{"type":"invalid_request_error","code":"context_length_exceeded","message":"too long","param":"input"}}"#
        )
        var specs = [Self.started, Self.firstCreate, overflow]
        var state = RunReducer.replay(Self.run, events(specs))
        #expect(state.nextStep == .compact)

        specs.append((.upstreamOut, CompactionEventType.request, #"{"model":"m","input":[]}"#))
        specs.append(
            (
                .upstreamIn, CompactionEventType.answer,
                #"{"id":"resp_c","object":"response.compaction","created_at":1,"output":[{"type":"message","role":"user","content":[{"type":"input_text","text":"go"}]},{"id":"cmp_1","type":"compaction","encrypted_content":"gAAA"}],"usage":{}}"#
            ))
        state = RunReducer.replay(Self.run, events(specs))
        #expect(state.nextStep == .sendRequest)
        #expect(!state.chainIntact && state.needsResend && state.compactions == 1)
        #expect(state.conversation.map { $0["type"]?.stringValue } == ["message", "compaction"])

        // The new chain overflows too: no second compaction for the same request, the run fails.
        specs.append((.upstreamOut, "response.create", #"{"type":"response.create","model":"m","input":[]}"#))
        specs.append(overflow)
        state = RunReducer.replay(Self.run, events(specs))
        guard case .failed(let error) = state.nextStep else {
            Issue.record("expected failed, got \(state.nextStep)")
            return
        }
        #expect(error.code == UpstreamError.contextLengthExceeded)
    }

    @Test func aCompactionTheServiceFindsTooLongFailsTheRunInsteadOfLooping() {
        let overflow: (EventKind, String, String) = (
            .upstreamIn, "error",
            #"{"type":"error","status":400,"error":{"type":"invalid_request_error","code":"context_length_exceeded","message":"too long","param":"input"}}"#
        )
        let compact: (EventKind, String, String) = (.upstreamOut, CompactionEventType.request, #"{"model":"m","input":[]}"#)
        let state = RunReducer.replay(Self.run, events([Self.started, Self.firstCreate, overflow, compact, overflow]))
        #expect(!state.compactionPending)
        guard case .failed(let error) = state.nextStep else {
            Issue.record("expected failed, got \(state.nextStep)")
            return
        }
        #expect(error.code == UpstreamError.contextLengthExceeded)

        // A transient failure of the compaction is retried like a turn (the retry policy decides).
        let transient: (EventKind, String, String) = (
            .upstreamIn, "error", #"{"type":"error","error":{"type":"server_error","code":null,"message":"down"}}"#
        )
        let retried = RunReducer.replay(Self.run, events([Self.started, Self.firstCreate, overflow, compact, transient]))
        #expect(!retried.overflowCompacted)
        #expect(retried.nextStep == .failed(UpstreamError(type: "server_error", message: "down")))
    }

    @Test func aResponseCutAtMaxOutputTokensIsContinuedABoundedNumberOfTimes() {
        let cut: (EventKind, String, String) = (
            .upstreamIn, "response.incomplete",
            #"{"type":"response.incomplete","response":{"id":"r1","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"output":[{"type":"message","role":"assistant","status":"incomplete","content":[{"type":"output_text","text":"part"}]}]}}"#
        )
        let more: (EventKind, String, String) = (
            .upstreamOut, "response.create",
            #"{"type":"response.create","model":"m","previous_response_id":"r1","input":[]}"#
        )
        var specs = [Self.started, Self.firstCreate, cut]
        var state = RunReducer.replay(Self.run, events(specs))
        #expect(state.nextStep == .sendRequest)
        #expect(state.outputText == "part")
        #expect(state.chainIntact && state.lastResponseID == "r1")
        for _ in 0..<RunState.maxIncompleteContinuations { specs += [more, cut] }
        state = RunReducer.replay(Self.run, events(specs))
        guard case .failed(let error) = state.nextStep else {
            Issue.record("expected failed, got \(state.nextStep)")
            return
        }
        #expect(error.code == IncompleteReason.maxOutputTokens)
    }

    @Test func aContentFilterEndsTheTurnWithAClearReason() {
        let state = RunReducer.replay(
            Self.run,
            events([
                Self.started, Self.firstCreate,
                (
                    .upstreamIn, "response.incomplete",
                    #"{"type":"response.incomplete","response":{"id":"r1","status":"incomplete","incomplete_details":{"reason":"content_filter"},"output":[]}}"#
                ),
            ]))
        guard case .failed(let error) = state.nextStep else {
            Issue.record("expected failed, got \(state.nextStep)")
            return
        }
        #expect(error.code == "content_filter")
        #expect(error.message?.contains("content filter") == true)
    }

    @Test func onlyFinalAnswerTextIsTheAnswer() {
        let output: [JSONValue] = [
            [
                "type": "message", "role": "assistant", "phase": "commentary",
                "content": [["type": "output_text", "text": "Working."]],
            ],
            [
                "type": "message", "role": "assistant", "phase": "final_answer",
                "content": [["type": "output_text", "text": "42"]],
            ],
        ]
        #expect(Items.messageText(output) == "42")
    }
}
