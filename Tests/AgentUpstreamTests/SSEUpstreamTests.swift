import AgentModel
import Foundation
import ResponsesEmulator
import Testing
import TestSupport

@testable import AgentUpstream

@Suite(.timeLimit(.minutes(2))) struct SSEUpstreamTests {
    @Test func aToolChainOverSSESendsTheFullContextEveryTurn() async throws {
        let logs = LogCapture()
        try await withEmulator { emulator, baseURL in
            let sse = SSEUpstream(configuration: testConfiguration(baseURL), logger: logs.logger())
            let outcome = try await ChainDriver(
                upstream: sse, run: RunID(rawValue: "run_sse"), script: .tools(calls: 2)
            ).drive()
            #expect(outcome.texts == [ChainDriver.expectedToolAnswer(outcome)])
            #expect(outcome.completedResponses.count == 3)
            for types in outcome.completedResponses {
                #expect(types.first == "response.created")
                #expect(types.last == "response.completed")
                #expect(types.filter { $0 == "response.completed" }.count == 1)
            }
            // The lane turns unusable after each request, so every turn re-leases and resends everything.
            #expect(outcome.leases == 3)
            #expect(outcome.fullContextRequests == 3 && outcome.continuationRequests == 0 && outcome.retries == 0)

            let requests = emulator.recorder.recordedHTTPRequests()
            #expect(requests.map(\.method) == ["POST", "POST", "POST"])
            #expect(requests.map(\.path) == ["/v1/responses", "/v1/responses", "/v1/responses"])
            var inputCounts: [Int] = []
            for request in requests {
                let body = try json(request.body)
                #expect(body["stream"] == true)
                #expect(body["store"] == false)
                #expect(body["type"] == nil && body["stream_id"] == nil && body["previous_response_id"] == nil)
                inputCounts.append(body["input"]?.arrayValue?.count ?? -1)
                #expect(request.headers["authorization"] == "Bearer <redacted>")
                #expect(request.headers["accept"] == "text/event-stream")
                #expect(request.headers["content-type"] == "application/json")
            }
            // user; + reasoning, call, output; + reasoning, call, output.
            #expect(inputCounts == [1, 4, 7])
            #expect(emulator.recorder.violations() == [])
            #expect(emulator.recorder.connections() == [])
        }
        #expect(!logs.all.joined().contains("SECRET"))
    }

    @Test func anHTTPErrorBeforeTheStreamBecomesAnErrorFrame() async throws {
        try await withEmulator { _, baseURL in
            let sse = SSEUpstream(configuration: testConfiguration(baseURL), logger: LogCapture().logger())
            let lane = try await sse.lease(for: RunID(rawValue: "run_bad_model"))
            let frames = try await collect(
                try await lane.send(createFrame(model: "emu-nope", lane: nil, input: #""hi""#)))
            #expect(frames.count == 1)
            #expect(
                try json(frames[0])
                    == [
                        "type": "error", "status": 400,
                        "error": [
                            "type": "invalid_request_error", "code": "model_not_found", "param": "model",
                            "message": "The model `emu-nope` does not exist or you do not have access to it.",
                        ],
                    ])
            let event = try JSONCoding.decode(UpstreamEvent.self, from: frames[0])
            #expect(event.isTerminal && event.error?.code == "model_not_found")
            #expect(await sse.status().counters.httpErrors == 1)
            await lane.release()
        }
    }

    @Test func anInStreamErrorEndsTheStreamAndTheConnectionIsReused() async throws {
        try await withEmulator { emulator, baseURL in
            let sse = SSEUpstream(configuration: testConfiguration(baseURL), logger: LogCapture().logger())
            let lane = try await sse.lease(for: RunID(rawValue: "run_fail"))
            let failed = try await collect(
                try await lane.send(createFrame(model: "emu-fail", lane: nil, input: #""x""#)))
            let types = try failed.types()
            #expect(types.last == "error")
            #expect(!types.contains("response.failed"))
            await lane.release()
            // The trailing `response.failed` was read and dropped, so the kept-alive connection is clean.
            try await eventually("the connection is idle again") { await sse.status().idleConnections == 1 }
            let next = try await sse.lease(for: RunID(rawValue: "run_next"))
            let frames = try await collect(
                try await next.send(createFrame(model: "emu-text", lane: nil, input: #""ok""#)))
            #expect(try frames.types().first == "response.created")
            #expect(try frames.types().last == "response.completed")
            #expect(frames.last!.contains("You said: ok"))
            await next.release()
            #expect(await sse.status().counters.connectionsOpened == 1)
            #expect(emulator.recorder.httpRequests().count == 2)
        }
    }

    @Test func aDropMidStreamFailsWithConnectionLostAndTheFramesSoFar() async throws {
        try await withEmulator(EmulatorConfiguration(faults: .init(dropAfterEvents: 3))) { _, baseURL in
            let sse = SSEUpstream(configuration: testConfiguration(baseURL), logger: LogCapture().logger())
            let lane = try await sse.lease(for: RunID(rawValue: "run_drop"))
            let (frames, error) = try await collectUntilFailure(
                try await lane.send(createFrame(model: "emu-text", lane: nil, input: #""hello there""#)))
            #expect(frames.count == 3)
            let failure = try #require(error as? UpstreamFailure)
            #expect(failure.code == .connectionLost)
            #expect(failure.framesReceived == 3)
            #expect(!lane.isUsable)
            await lane.release()
        }
    }

    @Test func aSilentServerFailsTheRequestWithIdleTimeout() async throws {
        try await withEmulator(EmulatorConfiguration(firstEventDelay: .seconds(5))) { _, baseURL in
            let configuration = testConfiguration(baseURL) { $0.idleStreamTimeout = .milliseconds(300) }
            let sse = SSEUpstream(configuration: configuration, logger: LogCapture().logger())
            let lane = try await sse.lease(for: RunID(rawValue: "run_idle"))
            var failure: UpstreamFailure?
            do {
                let (_, error) = try await collectUntilFailure(
                    try await lane.send(createFrame(model: "emu-text", lane: nil, input: #""slow""#)))
                failure = error as? UpstreamFailure
            } catch let error as UpstreamFailure {
                failure = error
            }
            #expect(failure?.code == .idleTimeout)
            #expect(failure?.framesReceived == 0)
            await lane.release()
        }
    }

    @Test func leasesBeyondTheBoundQueueInOrderAndCanBeCancelled() async throws {
        try await withEmulator { _, baseURL in
            let configuration = testConfiguration(baseURL) { $0.lanesPerConnection = 2 }
            let sse = SSEUpstream(configuration: configuration, logger: LogCapture().logger())
            let a = try await sse.lease(for: RunID(rawValue: "run_a"))
            let b = try await sse.lease(for: RunID(rawValue: "run_b"))
            #expect(a.streamID == nil && a.isUsable)
            let cancelled = Task { try await sse.lease(for: RunID(rawValue: "run_c")) }
            try await eventually("first waiter queued") { await sse.status().waiting == 1 }
            let waiter = Task { try await sse.lease(for: RunID(rawValue: "run_d")) }
            try await eventually("second waiter queued") { await sse.status().waiting == 2 }
            cancelled.cancel()
            await #expect(throws: CancellationError.self) { _ = try await cancelled.value }
            await a.release()
            let d = try await withTimeout(.seconds(10), "queued lease") { try await waiter.value }
            #expect(d.isUsable)
            let status = await sse.status()
            #expect(status.leasesInUse == 2 && status.waiting == 0 && status.leasesQueued == 2)
            await b.release()
            await d.release()
            #expect(await sse.status().leasesInUse == 0)
        }
    }

    @Test func afterRunEndsLeasesFailWithShutdown() async throws {
        try await withEmulator { _, baseURL in
            let sse = SSEUpstream(configuration: testConfiguration(baseURL), logger: LogCapture().logger())
            let task = Task { try await sse.run() }
            task.cancel()
            try await withTimeout(.seconds(10), "run ends") { try await task.value }
            await #expect(throws: UpstreamFailure(code: .shutdown, message: "the upstream transport stopped")) {
                _ = try await sse.lease(for: RunID(rawValue: "run_late"))
            }
        }
    }
    @Test func aLaneCarriesOneRequestAtATimeAndStaysSendableWhenSpent() async throws {
        try await withEmulator(EmulatorConfiguration(interEventDelay: .milliseconds(20))) { _, baseURL in
            let sse = SSEUpstream(configuration: testConfiguration(baseURL), logger: LogCapture().logger())
            let lane = try await sse.lease(for: RunID(rawValue: "run_busy"))
            let first = try await lane.send(createFrame(model: "emu-text", lane: nil, input: #""one two three""#))
            #expect(!lane.isUsable)
            await #expect(
                throws: UpstreamLaneError(
                    code: .responseInFlight, message: "the SSE lane still has a response in flight")
            ) {
                _ = try await lane.send(createFrame(model: "emu-text", lane: nil, input: #""again""#))
            }
            #expect(try await collect(first).types().last == "response.completed")
            // Spent but free: a full-context request may go out again.
            let second = try await collect(
                try await lane.send(createFrame(model: "emu-text", lane: nil, input: #""again""#)))
            #expect(second.last!.contains("You said: again"))
            await lane.release()
            await #expect(throws: UpstreamLaneError.self) {
                _ = try await lane.send(createFrame(model: "emu-text", lane: nil, input: #""late""#))
            }
        }
    }

    @Test func aConsumerThatStopsListeningAbortsTheRequest() async throws {
        try await withEmulator(EmulatorConfiguration(interEventDelay: .milliseconds(50))) { _, baseURL in
            let sse = SSEUpstream(configuration: testConfiguration(baseURL), logger: LogCapture().logger())
            let lane = try await sse.lease(for: RunID(rawValue: "run_abort"))
            let stream = try await lane.send(createFrame(model: "emu-text", lane: nil, input: #""a b c d e f g h""#))
            let reader = Task {
                var count = 0
                for try await _ in stream { count += 1 }
                return count
            }
            reader.cancel()
            _ = try? await withTimeout(.seconds(10), "reader ends") { try await reader.value }
            await lane.release()
            // The aborted connection is not reused; the next request opens a new one and completes.
            let next = try await sse.lease(for: RunID(rawValue: "run_after_abort"))
            let frames = try await collect(
                try await next.send(createFrame(model: "emu-text", lane: nil, input: #""ok""#)))
            #expect(try frames.types().last == "response.completed")
            await next.release()
            #expect(await sse.status().counters.connectionsOpened == 2)
        }
    }
}
