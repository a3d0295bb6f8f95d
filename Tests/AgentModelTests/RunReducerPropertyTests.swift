import AgentModel
import Testing

/// Properties of the reducer over random runs: determinism under any split, and live folding (frames parsed
/// by the engine) equal to replay (frames parsed by the reducer from the ledger).
struct RunReducerPropertyTests {
    /// Folding a prefix, then the rest in random pages, equals folding the whole.
    @Test(arguments: 0..<40) func replayOfPrefixPlusRestEqualsReplayOfWhole(seed: Int) {
        var generator = SplitMix64(seed: UInt64(seed) &+ 1000)
        let events = RandomRun.events(using: &generator)
        let whole = RunReducer.replay(EventScenarios.run, events)
        for split in 0...events.count {
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

    /// The engine folds upstream frames it has already parsed; replay parses them from the ledger. Both must
    /// reach the same state after every event (deltas included, which replay does not parse at all).
    @Test(arguments: 0..<40) func liveFoldingEqualsReplayAfterEveryEvent(seed: Int) {
        var generator = SplitMix64(seed: UInt64(seed) &+ 5000)
        let events = RandomRun.events(using: &generator)
        var live = RunState(id: EventScenarios.run)
        var replayed = RunState(id: EventScenarios.run)
        for (index, event) in events.enumerated() {
            let parsed = event.kind == .upstreamIn || event.kind == .upstreamOut ? try? JSONValue.parse(event.payload) : nil
            RunReducer.reduce(&live, event, parsed: parsed)
            RunReducer.reduce(&replayed, event)
            #expect(live == replayed, "after event \(index) (\(event.type)), seed \(seed)")
        }
    }

    /// The same properties for the scripted tool loops with 0…5 tool turns, unmodified.
    @Test(arguments: 0...5) func toolLoopScenariosFoldTheSameLiveAndReplayed(turns: Int) {
        let events = EventScenarios.toolLoop(toolTurns: turns)
        var live = RunState(id: EventScenarios.run)
        for event in events {
            let parsed = event.kind == .upstreamIn || event.kind == .upstreamOut ? try? JSONValue.parse(event.payload) : nil
            RunReducer.reduce(&live, event, parsed: parsed)
        }
        let replayed = RunReducer.replay(EventScenarios.run, events)
        #expect(live == replayed)
        #expect(replayed.status == .completed)
    }
}

/// Random but plausible run histories: tool loops with streamed deltas, interruptions and resumes, chain resets,
/// approvals, injected input, upstream errors, and unreadable or unknown events.
enum RandomRun {
    static func events(using generator: inout SplitMix64) -> [LedgerEvent] {
        var events = EventScenarios.toolLoop(toolTurns: Int(generator.next() % 5))
        var index = 1
        while index < events.count {
            let roll = generator.next() % 100
            let extra: [LedgerEvent]
            switch roll {
            case 0..<30: extra = deltas(Int(generator.next() % 4) + 1, &generator)
            case 30..<34: extra = [event(.run, RunEventType.chainReset, #"{"reason":"new upstream connection"}"#)]
            case 34..<38:
                extra = [
                    event(.run, RunEventType.interrupted, #"{"reason":"agentd stopped"}"#),
                    event(.run, RunEventType.resumed, "{}"),
                ]
            case 38..<42:
                let call = "call_\(generator.next() % 3)"
                extra = [
                    event(.control, ControlEventType.approvalRequested,
                        #"{"arguments":"{}","call_id":"\#(call)","name":"shell","reason":"policy"}"#),
                    event(.control, ControlEventType.approvalResolved,
                        #"{"approved":\#(generator.next() % 2 == 0),"call_id":"\#(call)","reason":"no"}"#),
                ]
            case 42..<45:
                extra = [event(.control, ControlEventType.inputAdded, #"{"input_id":"in_\#(generator.next() % 3)","text":"also"}"#)]
            case 45..<47:
                extra = [event(.upstreamIn, "error", #"{"type":"error","error":{"code":"server_error","message":"boom"}}"#)]
            case 47..<50:
                extra = [
                    event(
                        [EventKind.run, .tool, .upstreamIn, .upstreamOut, .control].randomElement(using: &generator)!,
                        ["x.unknown", "response.completed", "tool.finished", "response.output_text.delta"]
                            .randomElement(using: &generator)!,
                        ["{", "null", #"{"type":1}"#, ""].randomElement(using: &generator)!)
                ]
            default: extra = []
            }
            events.insert(contentsOf: extra, at: index)
            index += extra.count + 1
        }
        return events.enumerated().map { position, event in
            var event = event
            event.seq = Int64(position)
            event.timestampMillis = 1_000 + Int64(position)
            return event
        }
    }

    private static func deltas(_ count: Int, _ generator: inout SplitMix64) -> [LedgerEvent] {
        (0..<count).map { number in
            let type = generator.next() % 3 == 0 ? "response.function_call_arguments.delta" : "response.output_text.delta"
            return event(.upstreamIn, type, #"{"type":"\#(type)","delta":"d\#(number)","sequence_number":\#(number)}"#)
        }
    }

    private static func event(_ kind: EventKind, _ type: String, _ payload: String) -> LedgerEvent {
        LedgerEvent(runID: EventScenarios.run, seq: 0, timestampMillis: 0, kind: kind, type: type, payload: payload)
    }
}
