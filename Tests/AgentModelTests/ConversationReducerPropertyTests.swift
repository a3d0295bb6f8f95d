import AgentModel
import Testing

/// A run of many turns folds the same live and replayed, whatever ends each turn (a completion, a failure, a cancel,
/// an interruption), with tool calls, injected input and compaction items across the boundaries.
struct ConversationReducerPropertyTests {
    @Test(arguments: 0..<40) func liveFoldingEqualsReplayAcrossTurns(seed: Int) {
        var generator = SplitMix64(seed: UInt64(seed) &+ 9000)
        let conversation = RandomConversation.make(using: &generator)
        var live = RunState(id: EventScenarios.run)
        for (index, event) in conversation.events.enumerated() {
            let parsed =
                event.kind == .upstreamIn || event.kind == .upstreamOut ? try? JSONValue.parse(event.payload) : nil
            RunReducer.reduce(&live, event, parsed: parsed)
            let replayed = RunReducer.replay(EventScenarios.run, conversation.events.prefix(index + 1))
            #expect(live == replayed, "after event \(index) (\(event.type)), seed \(seed)")
        }
        #expect(live.turns.map(\.prompt) == conversation.prompts)
        #expect(live.turns.map(\.turn) == Array(1...conversation.prompts.count))
        #expect(live.turns.last?.status == live.status)
        #expect(live.turns.map(\.status) == conversation.endings)
        #expect(live.unfinishedCalls.isEmpty || live.status != .completed)
    }

    /// Folding a prefix, then the rest in random pages, equals folding the whole: across turn boundaries too.
    @Test(arguments: 0..<20) func replayOfPrefixPlusRestEqualsReplayOfWhole(seed: Int) {
        var generator = SplitMix64(seed: UInt64(seed) &+ 12000)
        let events = RandomConversation.make(using: &generator).events
        let whole = RunReducer.replay(EventScenarios.run, events)
        for split in stride(from: 0, through: events.count, by: 3) {
            var state = RunReducer.replay(EventScenarios.run, events.prefix(split))
            var rest = events.dropFirst(split)
            while !rest.isEmpty {
                let page = rest.prefix(1 + Int(generator.next() % 7))
                for event in page { RunReducer.reduce(&state, event) }
                rest = rest.dropFirst(page.count)
            }
            #expect(state == whole, "split at \(split) of \(events.count), seed \(seed)")
        }
    }

    /// A new turn after a cancelled tool loop answers the calls left open as not run, then sends the prompt: no
    /// call of an earlier turn runs in a later one.
    @Test func newTurnClosesCallsTheEndedTurnLeftOpen() {
        var events = EventScenarios.toolLoop(toolTurns: 1)
        // Cut the loop after the first response asked for a call: the turn is cancelled before the call ran.
        let cut = events.firstIndex { $0.type == ToolEventType.started }!
        events = Array(events[..<cut])
        events.append(RandomConversation.event(.run, RunEventType.cancelled, #"{"reason":"enough"}"#, seq: events.count))
        events.append(
            RandomConversation.event(
                .run, RunEventType.turnStarted, #"{"turn":2,"prompt":"something else","input_id":"req_1"}"#,
                seq: events.count))
        let state = RunReducer.replay(EventScenarios.run, events)
        #expect(state.status == .running)
        #expect(state.nextStep == .sendRequest)
        #expect(state.inputIDs.contains("req_1"))
        #expect(state.pendingInput.map { $0["type"]?.stringValue } == ["function_call_output", "message"])
        #expect(state.pendingInput.last == Items.userMessage("something else"))
        #expect(
            state.turns == [
                TurnRecord(turn: 1, prompt: "go", status: .cancelled, toolCalls: 1, inputTokens: 3, outputTokens: 2),
                TurnRecord(turn: 2, prompt: "something else", status: .running),
            ])
    }

    @Test func promptDecisionFollowsTheCurrentTurn() {
        var state = RunState(id: EventScenarios.run)
        state.status = .idle
        #expect(state.promptDecision(text: "hi", inputID: nil) == .startTurn(turn: 1, endingInterrupted: false))
        #expect(state.promptDecision(text: "", inputID: nil) == .refuse("the prompt is empty"))
        state.turns = [TurnRecord(turn: 1, prompt: "a", status: .running)]
        state.status = .running
        #expect(state.promptDecision(text: "hi", inputID: nil) == .queueInput(turn: 1))
        state.status = .awaitingApproval
        #expect(state.promptDecision(text: "hi", inputID: nil) == .queueInput(turn: 1))
        state.status = .interrupted
        #expect(state.promptDecision(text: "hi", inputID: nil) == .startTurn(turn: 2, endingInterrupted: true))
        for ended in [RunStatus.completed, .failed, .cancelled] {
            state.status = ended
            #expect(state.promptDecision(text: "hi", inputID: nil) == .startTurn(turn: 2, endingInterrupted: false))
        }
        state.inputIDs = ["req_x"]
        #expect(state.promptDecision(text: "hi", inputID: "req_x") == .alreadyApplied(turn: 1))
    }

    @Test func forkDecisionTakesOnlyEndedTurns() {
        var state = RunState(id: EventScenarios.run)
        state.turns = [
            TurnRecord(turn: 1, prompt: "a", status: .completed), TurnRecord(turn: 2, prompt: "b", status: .running),
        ]
        state.status = .running
        #expect(state.forkDecision(atTurn: nil) == .fork(throughTurn: 1))
        #expect(state.forkDecision(atTurn: 1) == .fork(throughTurn: 1))
        #expect(state.forkDecision(atTurn: 2) == .refuse("turn 2 of run run_test has not ended; fork an ended turn"))
        #expect(state.forkDecision(atTurn: 3) == .refuse("run run_test has 2 turns; at_turn must be 1…2, got 3"))
        state.status = .completed
        #expect(state.forkDecision(atTurn: nil) == .fork(throughTurn: 2))
        state.turns = []
        state.status = .idle
        #expect(state.forkDecision(atTurn: nil) == .refuse("run run_test has no ended turn to fork"))
    }

    /// A fork replays from its own events alone: the parent's conversation through the turn, no chain to continue.
    @Test func forkHistoryReplaysWithoutTheParent() {
        let parentEvents = EventScenarios.toolLoop(toolTurns: 2)
        let parent = RunReducer.replay(EventScenarios.run, parentEvents)
        let history = parent.forkHistory(parent: EventScenarios.run)
        let fork = RunID(rawValue: "run_fork")
        let events = [
            LedgerEvent(
                runID: fork, seq: 0, timestampMillis: 1, kind: .run, type: RunEventType.started,
                payload: #"{"cwd":"/w","model":"m","prompt":"","tools":["shell"]}"#),
            LedgerEvent(
                runID: fork, seq: 1, timestampMillis: 2, kind: .run, type: RunEventType.forked,
                payload: try! JSONCoding.encode(history)),
            LedgerEvent(
                runID: fork, seq: 2, timestampMillis: 3, kind: .run, type: RunEventType.turnStarted,
                payload: #"{"turn":2,"prompt":"and then?"}"#),
        ]
        var state = RunReducer.replay(fork, events.prefix(2))
        #expect(state.status == .idle)
        #expect(state.turns == parent.turns)
        #expect(state.conversation == parent.conversation)
        #expect(state.nextStep == .wait)
        state = RunReducer.replay(fork, events)
        #expect(state.status == .running)
        #expect(!state.chainIntact)
        #expect(state.nextStep == .sendRequest)
        #expect(state.turns.map(\.prompt) == ["go", "and then?"])
    }
}

/// Random conversations: turns of tool loops ended in every way, with noise between the events.
enum RandomConversation {
    struct Made {
        var events: [LedgerEvent]
        var prompts: [String]
        var endings: [RunStatus]
    }

    static func make(using generator: inout SplitMix64) -> Made {
        var events: [LedgerEvent] = []
        var prompts: [String] = []
        var endings: [RunStatus] = []
        func add(_ kind: EventKind, _ type: String, _ payload: String) {
            events.append(event(kind, type, payload, seq: events.count))
        }
        let turnCount = 1 + Int(generator.next() % 5)
        var parent: String?
        var responseNumber = 0
        for turn in 1...turnCount {
            let prompt = "prompt \(turn)"
            prompts.append(prompt)
            if turn == 1 {
                add(.run, RunEventType.started, #"{"cwd":"/w","model":"m","prompt":"\#(prompt)","tools":["shell"]}"#)
            } else {
                if endings.last == .interrupted {
                    endings[endings.count - 1] = .cancelled
                    add(.run, RunEventType.cancelled, #"{"reason":"a new turn started"}"#)
                }
                add(.run, RunEventType.turnStarted, #"{"turn":\#(turn),"prompt":"\#(prompt)","input_id":"t\#(turn)"}"#)
            }
            let toolRounds = Int(generator.next() % 3)
            // How the turn ends: 0 completed, 1 failed, 2 cancelled, 3 interrupted.
            let ending = generator.next() % 4
            var input =
                #"[{"type":"message","role":"user","content":[{"type":"input_text","text":"\#(prompt)"}]}]"#
            var ended = false
            for round in 0...toolRounds {
                let chained = parent != nil && generator.next() % 3 != 0
                let prev = chained ? #","previous_response_id":"\#(parent!)""# : ""
                add(.upstreamOut, "response.create", #"{"type":"response.create","model":"m","input":\#(input)\#(prev)}"#)
                responseNumber += 1
                let id = "resp_\(responseNumber)"
                add(.upstreamIn, "response.created", #"{"type":"response.created","response":{"id":"\#(id)","output":[]}}"#)
                if generator.next() % 4 == 0 {
                    add(.upstreamIn, "response.output_text.delta", #"{"type":"response.output_text.delta","delta":"x"}"#)
                }
                if generator.next() % 6 == 0 {
                    add(.control, ControlEventType.inputAdded, #"{"input_id":"in_\#(generator.next() % 4)","text":"also"}"#)
                }
                var items: [String] = []
                if generator.next() % 5 == 0 { items.append(#"{"type":"compaction","id":"cmp_\#(id)","encrypted_content":"e"}"#) }
                let call = "call_\(turn)_\(round)"
                if round < toolRounds {
                    items.append(#"{"type":"function_call","call_id":"\#(call)","name":"shell","arguments":"{}"}"#)
                } else {
                    items.append(
                        #"{"type":"message","role":"assistant","content":[{"type":"output_text","text":"answer \#(turn)"}]}"#)
                }
                add(
                    .upstreamIn, "response.completed",
                    #"{"type":"response.completed","response":{"id":"\#(id)","status":"completed","output":[\#(items.joined(separator: ","))],"usage":{"input_tokens":3,"output_tokens":2}}}"#
                )
                parent = id
                if round < toolRounds {
                    add(.tool, "tool.started", #"{"call_id":"\#(call)","name":"shell","arguments":"{}","cwd":"/w"}"#)
                    // A turn may stop in the middle of a call: cancelled, or interrupted by a crash.
                    if ending >= 2 && generator.next() % 2 == 0 {
                        let type = ending == 2 ? RunEventType.cancelled : RunEventType.interrupted
                        add(.run, type, #"{"reason":"stop"}"#)
                        endings.append(ending == 2 ? .cancelled : .interrupted)
                        ended = true
                        break
                    }
                    add(
                        .tool, "tool.finished",
                        #"{"call_id":"\#(call)","exit_code":0,"duration_ms":1.5,"output":"out","timed_out":false,"truncated_bytes":0}"#
                    )
                    input = #"[{"type":"function_call_output","call_id":"\#(call)","output":"out"}]"#
                }
            }
            if ended { continue }
            switch ending {
            case 0:
                add(.run, RunEventType.completed, "{}")
                endings.append(.completed)
            case 1:
                add(.upstreamIn, "error", #"{"type":"error","error":{"code":"server_error","message":"boom"}}"#)
                add(.run, RunEventType.failed, #"{"reason":"boom","code":"server_error"}"#)
                endings.append(.failed)
            case 2:
                add(.run, RunEventType.cancelled, #"{"reason":"enough"}"#)
                endings.append(.cancelled)
            default:
                add(.run, RunEventType.interrupted, #"{"reason":"agentd stopped"}"#)
                endings.append(.interrupted)
            }
        }
        return Made(events: events, prompts: prompts, endings: endings)
    }

    static func event(_ kind: EventKind, _ type: String, _ payload: String, seq: Int) -> LedgerEvent {
        LedgerEvent(
            runID: EventScenarios.run, seq: Int64(seq), timestampMillis: 1_000 + Int64(seq), kind: kind, type: type,
            payload: payload)
    }
}
