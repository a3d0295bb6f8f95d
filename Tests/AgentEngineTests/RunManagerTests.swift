import AgentModel
import Logging
import Testing

@testable import AgentEngine

/// Runs the engine against a scripted upstream and an in-memory store, without sockets.
struct RunManagerTests {
    struct Harness {
        let hub = EventHub()
        let store: InMemoryEventStore
        let upstream: ScriptedUpstream
        let tools: RecordingTools
        let manager: RunManager

        init(
            upstream: ScriptedUpstream, maxTurnAttempts: Int = 5, blockingTools: Bool = false,
            idempotentTools: Set<String> = []
        ) {
            tools = RecordingTools(blocking: blockingTools, idempotent: idempotentTools)
            let hub = self.hub
            store = InMemoryEventStore(observer: { hub.publish($0) })
            self.upstream = upstream
            manager = RunManager(
                store: store, upstream: upstream, tools: tools, hub: hub,
                configuration: EngineConfiguration(defaultModel: "m", maxTurnAttempts: maxTurnAttempts),
                logger: Logger(label: "test"))
        }

        /// Starts a run and follows its feed to the end; returns the final state.
        func runToEnd(_ prompt: String = "go") async throws -> RunState {
            try await withThrowingTaskGroup(of: RunState?.self) { group in
                group.addTask {
                    await manager.run()
                    return nil
                }
                let started = try await manager.start(StartRunRequest(prompt: prompt, cwd: "/tmp"))
                for try await item in manager.feed(started.id, fromSeq: 0) {
                    if case .ended = item { break }
                }
                let final = try await manager.state(of: started.id)
                manager.stopAccepting()
                group.cancelAll()
                return final
            }
        }
    }

    @Test func toolLoopChainsResponsesAndCompletes() async throws {
        let harness = Harness(upstream: ScriptedUpstream(toolTurns: 3))
        let final = try await harness.runToEnd()

        #expect(final.status == .completed)
        #expect(final.outputText == "done")
        #expect(final.toolCalls.map(\.callID) == ["call_0", "call_1", "call_2"])
        #expect(harness.tools.calls.withLock { $0.map(\.arguments) } == (0..<3).map { #"{"cmd":"echo \#($0)"}"# })
        let requests = harness.upstream.requests
        #expect(requests.count == 4)
        #expect(requests[0]["previous_response_id"] == nil)
        #expect(requests.dropFirst().map { $0["previous_response_id"]?.stringValue } == ["resp_0", "resp_1", "resp_2"])
        // Each continuation carries only the new tool output.
        #expect(requests[2]["input"] == [Items.functionCallOutput(callID: "call_1", output: #"ran {"cmd":"echo 1"}"#)])
        #expect(requests.allSatisfy { $0["store"] == false && $0["stream_id"] == "l0" })
    }

    @Test func replayOfTheLedgerEqualsTheLiveState() async throws {
        let harness = Harness(upstream: ScriptedUpstream(toolTurns: 2))
        let live = try await harness.runToEnd()
        let replayed = RunReducer.replay(live.id, harness.store.all.filter { $0.runID == live.id })
        #expect(replayed == live)
    }

    @Test func droppedConnectionRestartsTheChainWithTheFullConversation() async throws {
        let harness = Harness(upstream: ScriptedUpstream(toolTurns: 2, failures: [1]))
        let final = try await harness.runToEnd()

        #expect(final.status == .completed)
        let requests = harness.upstream.requests
        #expect(requests.count == 4)
        // The retry after the drop has no parent and replays everything: prompt, call, output.
        #expect(requests[2]["previous_response_id"] == nil)
        let retried = Items.normalize(requests[2]["input"]).compactMap { $0["type"]?.stringValue }
        #expect(retried == ["message", "function_call", "function_call_output"])
        #expect(harness.tools.calls.withLock { $0.count } == 2)
        #expect(harness.upstream.log.withLock { $0.leases } == 2)
    }

    @Test func aDroppedConnectionIsRecordedAsAWaitBeforeTheRetry() async throws {
        // Issue 13 item 7: a run waiting for the upstream says what it waits for and when it tries again.
        let harness = Harness(upstream: ScriptedUpstream(toolTurns: 2, failures: [1]))
        let final = try await harness.runToEnd()

        #expect(final.status == .completed)
        let events = harness.store.all.filter { $0.runID == final.id }
        let waits = try events.filter { $0.type == RunEventType.retryScheduled }.map {
            try JSONCoding.decode(RetryScheduled.self, from: $0.payload)
        }
        #expect(
            waits == [
                RetryScheduled(
                    code: "connection_lost", message: "dropped", delayMillis: 250, attempt: 1, serverAsked: false)
            ])
        // The wait comes before the chain restarts (and so before the retried request).
        let wait = try #require(events.firstIndex { $0.type == RunEventType.retryScheduled })
        let reset = try #require(events.lastIndex { $0.type == RunEventType.chainReset })
        #expect(wait < reset)
    }

    @Test func previousResponseNotFoundRestartsTheChainOnce() async throws {
        let harness = Harness(upstream: ScriptedUpstream(toolTurns: 1, errorCodes: [1: "previous_response_not_found"]))
        let final = try await harness.runToEnd()

        #expect(final.status == .completed)
        let requests = harness.upstream.requests
        #expect(requests.map { $0["previous_response_id"] == nil } == [true, false, true])
        #expect(harness.tools.calls.withLock { $0.count } == 1)
    }

    @Test func nonRetryableErrorFailsTheRun() async throws {
        let harness = Harness(upstream: ScriptedUpstream(toolTurns: 1, errorCodes: [0: "model_not_found"]))
        let final = try await harness.runToEnd()

        #expect(final.status == .failed)
        #expect(final.endReason == "scripted model_not_found")
    }

    @Test func feedFromTheMiddleDeliversTheRestExactlyOnce() async throws {
        let harness = Harness(upstream: ScriptedUpstream(toolTurns: 2))
        let final = try await harness.runToEnd()
        var seqs: [Int64] = []
        var end: RunFeedItem?
        for try await item in harness.manager.feed(final.id, fromSeq: 5) {
            switch item {
            case .event(let event): seqs.append(event.seq)
            case .ended: end = item
            }
        }
        #expect(seqs == Array(5...final.lastSeq))
        #expect(end == .ended(reason: .runEnded, nextSeq: final.lastSeq + 1))
    }

    @Test func unknownToolIsRefusedBeforeTheRunStarts() async throws {
        let harness = Harness(upstream: ScriptedUpstream(toolTurns: 0))
        await #expect(throws: EngineError.self) {
            _ = try await harness.manager.start(StartRunRequest(prompt: "x", cwd: "/", tools: ["nope"]))
        }
        #expect(harness.store.all.isEmpty)
    }
}
