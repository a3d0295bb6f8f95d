import AgentModel
import Foundation
import ResponsesEmulator
import Testing
import TestSupport

@testable import AgentUpstream

@Suite(.timeLimit(.minutes(1))) struct WebSocketPoolTests {
    let run = RunID(rawValue: "run_test1")

    @Test func aToolChainContinuesOnItsLaneWithPreviousResponseID() async throws {
        try await withEmulatorAndPool { pool, emulator in
            let lane = try await pool.lease(for: RunID(rawValue: "run_chain"))
            #expect(lane.streamID == "l0")
            #expect(lane.isUsable)
            var previous: String? = nil
            var input = #""go""#
            var finalText = ""
            for turn in 0..<3 {
                let frames = try await collect(
                    try await lane.send(
                        createFrame(model: "emu-tools-2", lane: "l0", input: input, previousResponseID: previous)
                    )
                )
                let types = try frames.types()
                #expect(types.first == "response.created")
                #expect(types.last == "response.completed")
                #expect(types.filter { $0 == "response.completed" }.count == 1)
                for (index, frame) in frames.enumerated() {
                    let value = try json(frame)
                    #expect(value["stream_id"]?.stringValue == "l0")
                    #expect(value["sequence_number"]?.intValue == index)
                }
                let response = try json(frames.last!)["response"]!
                previous = response["id"]?.stringValue
                let output = response["output"]?.arrayValue ?? []
                if turn < 2 {
                    let call = try #require(output.first { $0["type"]?.stringValue == "function_call" })
                    let callID = try #require(call["call_id"]?.stringValue)
                    input = #"[{"type":"function_call_output","call_id":"\#(callID)","output":"step-\#(turn)"}]"#
                } else {
                    let message = try #require(output.first { $0["type"]?.stringValue == "message" })
                    finalText = message["content"]?.arrayValue?.first?["text"]?.stringValue ?? ""
                }
            }
            #expect(finalText.hasPrefix("Completed 2 tool calls."))
            await lane.release()
            // One connection carried the whole chain; the emulator saw no protocol violation.
            #expect(emulator.recorder.connections().count == 1)
            #expect(emulator.recorder.violations() == [])
            let status = await pool.status()
            #expect(status.map(\.responsesServed) == [3])
            #expect(status.map(\.state) == [.connected])
        }
    }

    @Test func twoRunsOnTwoLanesOfOneConnectionGetTheirOwnFrames() async throws {
        let emulator = EmulatorConfiguration(interEventDelay: .milliseconds(2))
        try await withEmulatorAndPool(emulator: emulator) { pool, recorderHost in
            let laneA = try await pool.lease(for: RunID(rawValue: "run_a"))
            let laneB = try await pool.lease(for: RunID(rawValue: "run_b"))
            #expect([laneA.streamID, laneB.streamID] == ["l0", "l1"])
            let streamA = try await laneA.send(createFrame(model: "emu-text", lane: "l0", input: #""alpha one two three""#))
            let streamB = try await laneB.send(createFrame(model: "emu-text", lane: "l1", input: #""beta four five six""#))
            async let framesA = collect(streamA)
            async let framesB = collect(streamB)
            let (a, b) = try await (framesA, framesB)
            for (frames, laneName, word) in [(a, "l0", "alpha"), (b, "l1", "beta")] {
                #expect(try frames.types().last == "response.completed")
                #expect(try frames.allSatisfy { try json($0)["stream_id"]?.stringValue == laneName })
                #expect(frames.last!.contains("You said: \(word)"))
                #expect(try frames.map { try json($0)["sequence_number"]?.intValue } == Array(0..<frames.count))
            }
            // The two responses really shared one socket, interleaved.
            let connections = recorderHost.recorder.connections()
            #expect(connections.count == 1)
            let lanesInOrder = try connections[0].outboundFrames.map { try json($0)["stream_id"]?.stringValue ?? "" }
            let switches = zip(lanesInOrder, lanesInOrder.dropFirst()).filter { $0 != $1 }.count
            #expect(switches > 1)
            #expect(await pool.status().first?.responsesInFlight == 0)
        }
    }

    @Test func anErrorWithoutStreamIDFailsOnlyTheRequestNotYetStartedAndSparesStreamingLanes() async throws {
        let emulator = EmulatorConfiguration(interEventDelay: .milliseconds(15))
        try await withEmulatorAndPool(emulator: emulator) { pool, host in
            let streaming = try await pool.lease(for: RunID(rawValue: "run_a"))
            let other = try await pool.lease(for: RunID(rawValue: "run_b"))
            var frames = try await streaming.send(
                createFrame(model: "emu-text", lane: streaming.streamID, input: #""one two three four five six""#)
            ).makeAsyncIterator()
            let first = try await frames.next()
            #expect(first?.contains("response.created") == true)
            // A stream_id the server cannot echo: its error frame names no lane.
            let refused = try await collect(
                try await other.send(#"{"type":"response.create","model":"emu-text","stream_id":"bad id","input":"x"}"#))
            #expect(refused.count == 1)
            #expect(try json(refused[0])["error"]?["code"]?.stringValue == "invalid_stream_id")
            // The streaming lane finishes on the same connection.
            var last = first ?? ""
            while let frame = try await frames.next() { last = frame }
            #expect(try json(last)["type"]?.stringValue == "response.completed")
            #expect(host.recorder.connections().count == 1)
            #expect(streaming.isUsable && other.isUsable)
        }
    }

    /// `agentctl cancel --now` stops reading a response mid-stream and releases the lane: the server cannot be told
    /// to stop, so the lane stays out of use until the abandoned response's terminal event has arrived (or the
    /// connection is replaced); the other lane of the connection streams on undisturbed.
    @Test func aCancelledResponseKeepsItsLaneUntilItEndsAndOtherLanesAreUndisturbed() async throws {
        let emulator = EmulatorConfiguration(interEventDelay: .milliseconds(10))
        try await withEmulatorAndPool(emulator: emulator, configure: { $0.lanesPerConnection = 2 }) { pool, host in
            let cancelled = try await pool.lease(for: RunID(rawValue: "run_a"))
            let other = try await pool.lease(for: RunID(rawValue: "run_b"))
            #expect([cancelled.streamID, other.streamID] == ["l0", "l1"])
            let words = #""a b c d e f g h i j k l m n o p q r s t u v w x y z""#
            let otherFrames = try await other.send(createFrame(model: "emu-text", lane: "l1", input: words))
            let abandoned = try await cancelled.send(createFrame(model: "emu-text", lane: "l0", input: words))
            let reader = Task {
                var frames = abandoned.makeAsyncIterator()
                _ = try await frames.next()
                // The run is cancelled while it waits for the next frame.
                try await Task.sleep(for: .seconds(60))
            }
            reader.cancel()
            _ = await reader.result
            await cancelled.release()

            // The next lease must wait: l0's response is still streaming, l1 is held.
            let next = try await pool.lease(for: RunID(rawValue: "run_c"))
            #expect(next.streamID == "l0")
            let l0Terminals = host.recorder.connections()[0].outboundFrames.filter {
                $0.contains(#""stream_id":"l0""#) && $0.contains(#""type":"response.completed""#)
            }
            #expect(l0Terminals.count == 1)
            // The other lane was never disturbed, and the connection was not replaced.
            let frames = try await collect(otherFrames)
            #expect(try frames.types().last == "response.completed")
            #expect(host.recorder.connections().count == 1)
            let fresh = try await collect(try await next.send(createFrame(model: "emu-text", lane: "l0", input: #""again""#)))
            #expect(try fresh.types().last == "response.completed")
        }
    }

    @Test func aDropMidResponseFailsTheStreamAndThePoolReconnects() async throws {
        let emulator = EmulatorConfiguration(faults: .init(dropAfterEvents: 5))
        try await withEmulatorAndPool(emulator: emulator) { pool, host in
            let lane = try await pool.lease(for: run)
            let (frames, error) = try await collectUntilFailure(
                try await lane.send(createFrame(model: "emu-text", lane: lane.streamID, input: #""hello there""#))
            )
            #expect(frames.count == 5)
            let failure = try #require(error as? UpstreamFailure)
            #expect(failure.code == .connectionLost)
            #expect(failure.framesReceived == 5)
            #expect(!lane.isUsable)
            // Sending on the stale lease fails at once, without touching the new connection.
            await #expect(throws: UpstreamFailure.self) {
                _ = try await lane.send(createFrame(model: "emu-text", lane: "l0", input: #""x""#))
            }
            await lane.release()
            // A new lease waits for the reconnect and carries traffic on the new socket.
            let fresh = try await pool.lease(for: run)
            #expect(fresh.isUsable)
            let (again, _) = try await collectUntilFailure(
                try await fresh.send(createFrame(model: "emu-text", lane: fresh.streamID, input: #""again""#))
            )
            #expect(again.count == 5)
            #expect(host.recorder.connections().count >= 2)
            #expect(await pool.status()[0].reconnects >= 1)
        }
    }

    @Test func theUnsolicitedConnectionLimitErrorTriggersAReconnect() async throws {
        // Long enough that the fresh connection cannot reach it during one request, even on a loaded machine.
        let emulator = EmulatorConfiguration(maxConnectionAge: .seconds(2))
        try await withEmulatorAndPool(emulator: emulator) { pool, host in
            let old = try await pool.lease(for: run)
            #expect(old.isUsable)
            try await untilConnectionEvent(pool, "old lease becomes unusable") { !old.isUsable }
            await old.release()
            let fresh = try await pool.lease(for: run)
            #expect(fresh.isUsable)
            let frames = try await collect(
                try await fresh.send(createFrame(model: "emu-text", lane: fresh.streamID, input: #""after""#))
            )
            #expect(try frames.types().last == "response.completed")
            let status = await pool.status()[0]
            #expect(status.reconnects >= 1)
            #expect(status.lastError?.contains("websocket_connection_limit_reached") == true || status.lastError == nil)
            #expect(host.recorder.connections().count >= 2)
        }
    }

    @Test func connectionsOlderThanMaxAgeRotateAtATurnBoundary() async throws {
        // Long enough that the fresh connection is still young when the second turn goes out on a loaded machine.
        try await withEmulatorAndPool(configure: { $0.maxConnectionAge = .seconds(1) }) { pool, host in
            let lane = try await pool.lease(for: run)
            let frames = try await collect(
                try await lane.send(createFrame(model: "emu-text", lane: lane.streamID, input: #""one""#))
            )
            #expect(try frames.types().last == "response.completed")
            try await untilConnectionEvent(pool, "lease goes stale after rotation") { !lane.isUsable }
            await lane.release()
            let fresh = try await pool.lease(for: run)
            let second = try await collect(
                try await fresh.send(createFrame(model: "emu-text", lane: fresh.streamID, input: #""two""#))
            )
            #expect(try second.types().last == "response.completed")
            #expect(await pool.status()[0].reconnects >= 1)
            // The emulator records the connection on its side of the upgrade, possibly just after our side.
            try await eventually("the emulator saw the client close the first connection and open a second") {
                let connections = host.recorder.connections()
                return connections.count >= 2 && connections[0].closeReason == "client closed"
            }
        }
    }

    @Test func withoutLanesEachConnectionCarriesOneLeaseOnTheDefaultLane() async throws {
        try await withEmulatorAndPool(configure: {
            $0.useLanes = false
            $0.connections = 2
        }) { pool, host in
            try await untilConnectionEvent(pool, "both connections open") {
                await pool.status().allSatisfy { $0.state == .connected }
            }
            let a = try await pool.lease(for: RunID(rawValue: "run_a"))
            let b = try await pool.lease(for: RunID(rawValue: "run_b"))
            #expect(a.streamID == nil && b.streamID == nil)
            let frames = try await collect(try await a.send(createFrame(model: "emu-text", lane: nil, input: #""solo""#)))
            #expect(try frames.types().last == "response.completed")
            #expect(try frames.allSatisfy { try json($0)["stream_id"] == nil })
            // A third run queues until a lease comes back, then gets that connection.
            let waiter = Task { try await pool.lease(for: RunID(rawValue: "run_c")) }
            try await eventually("third lease queued") { await pool.queueStats().waiting == 1 }
            await a.release()
            let c = try await withTimeout(.seconds(5)) { try await waiter.value }
            #expect(c.isUsable)
            let stats = await pool.queueStats()
            #expect(stats.leasesQueued == 1 && stats.waiting == 0 && stats.lastWait > .zero)
            _ = host
        }
    }

    @Test func aTrailingFailedAfterAnInStreamErrorNeverReachesTheNextResponse() async throws {
        try await withEmulatorAndPool { pool, _ in
            let lane = try await pool.lease(for: run)
            let failed = try await collect(try await lane.send(createFrame(model: "emu-fail", lane: "l0", input: #""x""#)))
            #expect(try failed.types().last == "error")
            // Sent at once: the server queues it behind the failed response's trailing `response.failed`.
            let next = try await collect(try await lane.send(createFrame(model: "emu-text", lane: "l0", input: #""ok""#)))
            #expect(try next.types().first == "response.created")
            #expect(try next.types().filter { $0 == "response.failed" } == [])
            #expect(try next.types().last == "response.completed")
        }
    }

    @Test func aSilentResponseFailsWithIdleTimeoutAndThePoolReconnects() async throws {
        let emulator = EmulatorConfiguration(firstEventDelay: .seconds(3))
        try await withEmulatorAndPool(emulator: emulator, configure: { $0.idleStreamTimeout = .milliseconds(200) }) {
            pool,
            _ in
            let lane = try await pool.lease(for: run)
            let (frames, error) = try await collectUntilFailure(
                try await lane.send(createFrame(model: "emu-text", lane: "l0", input: #""slow""#))
            )
            #expect(frames.isEmpty)
            #expect((error as? UpstreamFailure)?.code == .idleTimeout)
            #expect((error as? UpstreamFailure)?.framesReceived == 0)
            #expect(!lane.isUsable)
            await lane.release()
            let fresh = try await pool.lease(for: run)
            #expect(fresh.isUsable)
            #expect(await pool.status()[0].reconnects == 1)
        }
    }

    @Test func manyRunsShareFewLanesFairlyAndAllComplete() async throws {
        try await withEmulatorAndPool(configure: {
            $0.connections = 2
            $0.lanesPerConnection = 2
        }) { pool, host in
            try await untilConnectionEvent(pool, "both connections open") {
                await pool.status().allSatisfy { $0.state == .connected }
            }
            let started = ContinuousClock.now
            let runs = 24
            let turnsPerRun = 3
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<runs {
                    group.addTask {
                        let run = RunID(rawValue: "run_\(index)")
                        var lane = try await pool.lease(for: run)
                        for turn in 0..<turnsPerRun {
                            // Between turns another run may have taken the idle lane over: lease again (the engine
                            // then resends the whole conversation).
                            if !(await lane.reserve()) {
                                await lane.release()
                                lane = try await pool.lease(for: run)
                            }
                            let frames = try await collect(
                                try await lane.send(
                                    createFrame(model: "emu-text", lane: lane.streamID, input: #""r\#(index)t\#(turn)""#)
                                )
                            )
                            #expect(frames.last?.contains("You said: r\(index)t\(turn)") == true)
                        }
                        await lane.release()
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = ContinuousClock.now - started
            let stats = await pool.queueStats()
            let status = await pool.status()
            #expect(stats.leasesGranted >= runs && stats.leasesGranted <= runs + stats.lanesTakenOver)
            #expect(stats.waiting == 0 && stats.waitingForSlot == 0)
            #expect(stats.responsesStarted == runs * turnsPerRun)
            #expect(status.map(\.responsesServed).reduce(0, +) == runs * turnsPerRun)
            #expect(status.allSatisfy { $0.responsesServed > 0 && $0.lanesInUse == 0 })
            #expect(host.recorder.violations() == [])
            print(
                "upstream pool: \(runs * turnsPerRun) responses over 2 connections x 2 lanes in \(elapsed); "
                    + "lanes taken over \(stats.lanesTakenOver), leases queued \(stats.leasesQueued), "
                    + "requests queued for a slot \(stats.responsesQueued), max slot wait \(stats.responseMaxWait)"
            )
        }
    }

    @Test func sendingTwiceOnABusyLaneThrows() async throws {
        let emulator = EmulatorConfiguration(firstEventDelay: .milliseconds(200))
        try await withEmulatorAndPool(emulator: emulator) { pool, _ in
            let lane = try await pool.lease(for: run)
            let stream = try await lane.send(createFrame(model: "emu-text", lane: "l0", input: #""one""#))
            await #expect(throws: UpstreamLaneError.self) {
                _ = try await lane.send(createFrame(model: "emu-text", lane: "l0", input: #""two""#))
            }
            #expect(try await collect(stream).types().last == "response.completed")
        }
    }

    @Test func anUnreachableServerFailsLeasesWithConnectFailedAndNoKey() async throws {
        let logs = LogCapture()
        var configuration = UpstreamConfiguration(
            url: URL(string: "ws://127.0.0.1:1/v1/responses")!,
            apiKey: "sk-test-SECRET-0123456789",
            connections: 1,
            connectTimeout: .milliseconds(300),
            tickInterval: .milliseconds(20)
        )
        configuration.backoff = .init(base: .milliseconds(50), cap: .milliseconds(100))
        let pool = WebSocketPool(configuration: configuration, logger: logs.logger())
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pool.run() }
            defer { group.cancelAll() }
            let error = try await withTimeout(.seconds(5)) {
                do {
                    _ = try await pool.lease(for: RunID(rawValue: "run_x"))
                    return nil as UpstreamFailure?
                } catch let failure as UpstreamFailure {
                    return failure
                }
            }
            let failure = try #require(error)
            #expect(failure.code == .connectFailed)
            #expect(failure.message.contains("ws://127.0.0.1:1/v1/responses"))
            #expect(!failure.description.contains("SECRET"))
            // The lease may give up before the first attempt reports its error on a loaded machine.
            try await untilConnectionEvent(pool, "the connect error is reported in the status") {
                await pool.status()[0].lastError != nil
            }
        }
        #expect(!logs.all.isEmpty)
        #expect(logs.all.allSatisfy { !$0.contains("SECRET") })
    }

    @Test func theKeyIsSentButNeverLogged() async throws {
        let logs = LogCapture()
        let emulator = EmulatorConfiguration(requireAuthorization: true)
        try await withEmulatorAndPool(emulator: emulator, logs: logs) { pool, host in
            let lane = try await pool.lease(for: run)
            let frames = try await collect(try await lane.send(createFrame(model: "emu-text", lane: "l0", input: #""hi""#)))
            #expect(try frames.types().last == "response.completed")
            let headers = host.recorder.connections().first?.headers ?? [:]
            let authorization = headers.first { $0.key.lowercased() == "authorization" }?.value
            // The emulator requires a bearer token (the upgrade succeeded) and redacts it in its recorder.
            #expect(authorization?.hasPrefix("Bearer ") == true)
        }
        #expect(logs.all.contains { $0.contains("upstream connection open") })
        #expect(logs.all.allSatisfy { !$0.contains("SECRET") })
    }

    /// A clean stop is not an error: the close is logged without `upstream.error` (issue 13 item 10: it said
    /// `CancellationError()`).
    @Test func aCleanStopLogsTheCloseWithoutAnError() async throws {
        let logs = LogCapture()
        try await withEmulatorAndPool(logs: logs) { pool, _ in
            let lane = try await pool.lease(for: run)
            let stream = try await lane.send(createFrame(model: "emu-text", lane: "l0", input: #""hi""#))
            #expect(try await collect(stream).types().last == "response.completed")
        }
        let closes = logs.all.filter { $0.contains("upstream connection closed") }
        #expect(closes.count == 1)
        #expect(closes.allSatisfy { !$0.contains("upstream.error") })
        #expect(logs.all.allSatisfy { !$0.contains("CancellationError") })
    }

    @Test func stoppingThePoolFailsWaitersWithShutdown() async throws {
        let pool = WebSocketPool(
            configuration: UpstreamConfiguration(url: URL(string: "ws://127.0.0.1:1/v1/responses")!),
            logger: LogCapture().logger()
        )
        let runner = Task { try await pool.run() }
        let waiter = Task { try await pool.lease(for: RunID(rawValue: "run_w")) }
        try await eventually("lease queued") { await pool.queueStats().waiting == 1 }
        runner.cancel()
        let result = await withTimeout2(waiter)
        #expect((result as? UpstreamFailure)?.code == .shutdown)
    }
}

/// Awaits a task's failure with a bound.
func withTimeout2<T: Sendable>(_ task: Task<T, any Error>) async -> (any Error)? {
    do {
        _ = try await withTimeout(.seconds(5)) { try await task.value }
        return nil
    } catch {
        return error
    }
}
