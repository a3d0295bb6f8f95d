import AgentModel
import Foundation
import ResponsesEmulator
import Testing
import TestSupport

@testable import AgentUpstream

/// The pool against the emulator: requests beyond a connection's active responses wait for a slot, and an idle
/// lane taken over by another run is never sent on by its former holder.
@Suite(.timeLimit(.minutes(1))) struct WebSocketPoolActiveSlotTests {
    @Test func aRequestBeyondTheActiveLimitWaitsForASlotThenStreams() async throws {
        let emulator = EmulatorConfiguration(firstEventDelay: .milliseconds(500))
        try await withEmulatorAndPool(emulator: emulator, configure: {
            $0.lanesPerConnection = 2
            $0.activeResponsesPerConnection = 1
        }) { pool, host in
            let a = try await pool.lease(for: RunID(rawValue: "run_a"))
            let b = try await pool.lease(for: RunID(rawValue: "run_b"))
            #expect(a.streamID == "l0" && b.streamID == "l1")
            let first = try await a.send(createFrame(model: "emu-text", lane: "l0", input: #""first""#))
            let second = Task { try await collect(try await b.send(createFrame(model: "emu-text", lane: "l1", input: #""second""#))) }
            try await eventually("second request waits for the slot") { await pool.queueStats().waitingForSlot == 1 }
            // Only one response streams on the connection while the second waits.
            #expect(await pool.status().map(\.responsesInFlight) == [1])
            let firstFrames = try await collect(first)
            #expect(firstFrames.last?.contains("You said: first") == true)
            let secondFrames = try await withTimeout(.seconds(10)) { try await second.value }
            #expect(secondFrames.last?.contains("You said: second") == true)
            let stats = await pool.queueStats()
            #expect(stats.responsesStarted == 2 && stats.responsesQueued == 1 && stats.waitingForSlot == 0)
            #expect(stats.responseMaxWait > .zero)
            #expect(host.recorder.violations() == [])
            await a.release()
            await b.release()
        }
    }

    @Test func anIdleLaneTakenOverIsNeverSentOnByItsFormerHolder() async throws {
        try await withEmulatorAndPool(configure: {
            $0.lanesPerConnection = 1
            $0.turnsBeforeLaneTakeover = 1
        }) { pool, host in
            let a = try await pool.lease(for: RunID(rawValue: "run_a"))
            let frames = try await collect(try await a.send(createFrame(model: "emu-text", lane: "l0", input: #""a""#)))
            let previous = try #require(try json(frames.last!)["response"]?["id"]?.stringValue)
            // A is between turns: its only lane goes to B.
            let b = try await withTimeout(.seconds(5)) { try await pool.lease(for: RunID(rawValue: "run_b")) }
            #expect(b.streamID == "l0")
            let aUsable = a.isUsable
            let aReserved = await a.reserve()
            #expect(!aUsable && !aReserved)
            await #expect(throws: UpstreamFailure.self) {
                _ = try await a.send(
                    createFrame(model: "emu-text", lane: "l0", input: #""again""#, previousResponseID: previous))
            }
            // B holds the lane (pinned since the grant) and starts its own chain on it.
            let bReserved = await b.reserve()
            #expect(bReserved)
            let bFrames = try await collect(try await b.send(createFrame(model: "emu-text", lane: "l0", input: #""b""#)))
            #expect(bFrames.last?.contains("You said: b") == true)
            let stats = await pool.queueStats()
            #expect(stats.lanesTakenOver == 1 && stats.leasesGranted == 2 && stats.responsesStarted == 2)
            #expect(host.recorder.violations() == [])
            await a.release()
            await b.release()
        }
    }
}

/// `setConnections` on a running pool (what a reload of `upstream.connections` calls).
@Suite(.timeLimit(.minutes(1))) struct WebSocketPoolResizeTests {
    @Test func growingOpensNewConnectionsAndShrinkingClosesThemAfterTheirTurn() async throws {
        let emulator = EmulatorConfiguration(firstEventDelay: .milliseconds(300))
        try await withEmulatorAndPool(emulator: emulator, configure: { $0.lanesPerConnection = 1 }) { pool, host in
            try await untilConnectionEvent(pool, "first connection open") { await pool.status().first?.state == .connected }
            await pool.setConnections(3)
            try await untilConnectionEvent(pool, "three connections open") {
                await pool.status().filter { $0.state == .connected }.count == 3
            }
            // One run per connection (one lane each); the run on the last slot has a response in flight.
            var lanes: [any UpstreamLane] = []
            for index in 0..<3 { lanes.append(try await pool.lease(for: RunID(rawValue: "run_\(index)"))) }
            let streaming = try await lanes[2].send(createFrame(model: "emu-text", lane: "l0", input: #""last""#))
            await pool.setConnections(1)
            // Leases on removed slots are stale at once; the response in flight still completes.
            let usable = lanes.map(\.isUsable)
            #expect(usable == [true, false, false])
            let frames = try await collect(streaming)
            #expect(frames.last?.contains("You said: last") == true)
            try await untilConnectionEvent(pool, "removed connections closed") { await pool.status().count == 1 }
            #expect(await pool.connectionCount == 1)
            let onlyOne = await pool.status().map(\.id)
            #expect(onlyOne == [0])
            for lane in lanes { await lane.release() }
            // The remaining connection still serves.
            let lane = try await pool.lease(for: RunID(rawValue: "run_after"))
            let after = try await collect(try await lane.send(createFrame(model: "emu-text", lane: "l0", input: #""after""#)))
            #expect(after.last?.contains("You said: after") == true)
            #expect(host.recorder.violations() == [])
        }
    }
}
