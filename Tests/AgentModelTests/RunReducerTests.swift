import AgentModel
import Testing

struct RunReducerTests {
    @Test func toolLoopFoldsIntoACompletedRun() {
        let state = RunReducer.replay(EventScenarios.run, EventScenarios.toolLoop(toolTurns: 2))

        var expected = RunState(id: EventScenarios.run)
        expected.status = .completed
        expected.model = "m"
        expected.prompt = "go"
        expected.cwd = "/w"
        expected.tools = ["shell"]
        expected.createdAtMillis = 1_000
        expected.updatedAtMillis = 1_000 + state.lastSeq
        expected.lastSeq = 18
        expected.outputText = "fin"
        expected.lastResponseID = "resp_2"
        expected.chainIntact = true
        expected.responsesCompleted = 3
        expected.toolCalls = (0..<2).map {
            ToolCallRecord(
                callID: "call_\($0)", name: "shell", arguments: "{}", status: .finished, exitCode: 0, durationMillis: 1.5)
        }
        expected.conversation = [
            Items.userMessage("go"),
            ["type": "function_call", "call_id": "call_0", "name": "shell", "arguments": "{}"],
            Items.functionCallOutput(callID: "call_0", output: "out 0"),
            ["type": "function_call", "call_id": "call_1", "name": "shell", "arguments": "{}"],
            Items.functionCallOutput(callID: "call_1", output: "out 1"),
            ["type": "message", "role": "assistant", "content": [["type": "output_text", "text": "fin"]]],
        ]
        expected.inputTokens = 9
        expected.outputTokens = 6
        // A run of one turn: every call and token of it is the turn's.
        expected.turns = [TurnRecord(turn: 1, prompt: "go", status: .completed, toolCalls: 2, inputTokens: 9, outputTokens: 6)]
        #expect(state == expected)
    }

    @Test func nextStepFollowsTheLoop() {
        let events = EventScenarios.toolLoop(toolTurns: 1)
        func step(after count: Int) -> NextStep {
            RunReducer.replay(EventScenarios.run, events.prefix(count)).nextStep
        }
        #expect(step(after: 1) == .sendRequest)
        #expect(step(after: 2) == .wait)  // request in flight
        let completedFirst = events.firstIndex { $0.type == "response.completed" }! + 1
        #expect(
            step(after: completedFirst)
                == .runTools([ToolCallRecord(callID: "call_0", name: "shell", arguments: "{}", status: .requested)]))
        #expect(
            step(after: completedFirst + 1)
                == .resolveUncertain([ToolCallRecord(callID: "call_0", name: "shell", arguments: "{}", status: .running)]))
        #expect(step(after: completedFirst + 2) == .sendRequest)
        #expect(step(after: events.count - 1) == .complete)
        #expect(step(after: events.count) == .wait)
    }

    @Test func chainResetResendsTheWholeConversation() {
        var events = Array(EventScenarios.toolLoop(toolTurns: 1).prefix(2))
        events.append(
            LedgerEvent(
                runID: EventScenarios.run, seq: 2, timestampMillis: 5, kind: .run, type: RunEventType.chainReset,
                payload: #"{"reason":"drop"}"#))
        let state = RunReducer.replay(EventScenarios.run, events)
        #expect(state.nextStep == .sendRequest)
        #expect(!state.chainIntact)
        #expect(state.conversation == [Items.userMessage("go")])
    }

    @Test func errorFrameEndsTheRequestWithItsError() {
        var events = Array(EventScenarios.toolLoop(toolTurns: 0).prefix(2))
        events.append(
            LedgerEvent(
                runID: EventScenarios.run, seq: 2, timestampMillis: 5, kind: .upstreamIn, type: "error",
                payload: #"{"type":"error","status":400,"error":{"type":"invalid_request_error","code":"previous_response_not_found","message":"gone","param":"previous_response_id"}}"#
            ))
        let state = RunReducer.replay(EventScenarios.run, events)
        var error = UpstreamError(
            type: "invalid_request_error", code: "previous_response_not_found", message: "gone",
            param: "previous_response_id")
        error.status = 400
        #expect(state.nextStep == .failed(error))
    }

    /// Determinism: folding a prefix, then the rest, equals folding the whole, for every split point of
    /// random interleavings of valid and garbage events.
    @Test(arguments: 0..<20) func replayOfPrefixThenRestEqualsReplayOfWhole(seed: Int) {
        var generator = SplitMix64(seed: UInt64(seed))
        var events = EventScenarios.toolLoop(toolTurns: Int(generator.next() % 4))
        // Sprinkle unknown and unreadable events; the reducer must ignore them the same way every time.
        for _ in 0..<Int(generator.next() % 5) {
            let position = Int(generator.next() % UInt64(events.count))
            let garbage = LedgerEvent(
                runID: EventScenarios.run, seq: 0, timestampMillis: 7, kind: EventKind.allCases.randomElement(using: &generator)!,
                type: ["x.unknown", "response.completed", "tool.finished"].randomElement(using: &generator)!,
                payload: ["{", "null", #"{"type":1}"#].randomElement(using: &generator)!)
            events.insert(garbage, at: position)
        }
        events = events.enumerated().map { index, event in
            var event = event
            event.seq = Int64(index)
            return event
        }
        let whole = RunReducer.replay(EventScenarios.run, events)
        for split in 0...events.count {
            var state = RunReducer.replay(EventScenarios.run, events.prefix(split))
            for event in events.dropFirst(split) { RunReducer.reduce(&state, event) }
            #expect(state == whole)
        }
    }
}

/// A small deterministic random source for property tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
