import AgentModel
import Foundation
import ResponsesEmulator
import Testing

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
        try await withEmulatorAndPool(configure: { $0.lanesPerConnection = 1 }) { pool, host in
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
