import AgentModel
import Foundation
import ResponsesEmulator
import Testing

@testable import AgentUpstream

/// The pool under many runs and repeated connection loss, driven like the engine drives it (``ChainDriver``).
@Suite(.timeLimit(.minutes(5))) struct PoolRobustnessTests {
    /// Runs `count` chains concurrently over `upstream`; returns their outcomes by index.
    private func driveAll(
        _ count: Int,
        over upstream: any ResponsesUpstream,
        script: @escaping @Sendable (Int) -> ChainDriver.Script
    ) async throws -> [Int: ChainDriver.Outcome] {
        try await withThrowingTaskGroup(of: (Int, ChainDriver.Outcome).self) { group in
            for index in 0..<count {
                group.addTask {
                    let driver = ChainDriver(
                        upstream: upstream, run: RunID(rawValue: "run_\(index)"), script: script(index))
                    return (index, try await driver.drive())
                }
            }
            var outcomes: [Int: ChainDriver.Outcome] = [:]
            for try await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }
    }

    /// Checks that each chain got exactly its own answers.
    private func expectCorrect(_ outcomes: [Int: ChainDriver.Outcome], count: Int, script: (Int) -> ChainDriver.Script)
    {
        #expect(outcomes.count == count)
        for (index, outcome) in outcomes.sorted(by: { $0.key < $1.key }) {
            switch script(index) {
            case .tools(let calls):
                #expect(outcome.toolOutputs.count == calls, "run_\(index)")
                #expect(outcome.texts == [ChainDriver.expectedToolAnswer(outcome)], "run_\(index)")
            case .text(let turns):
                #expect(outcome.texts == (0..<turns).map { "You said: run_\(index) turn \($0)" }, "run_\(index)")
            }
            for types in outcome.completedResponses {
                #expect(types.first == "response.created" && types.last == "response.completed", "run_\(index)")
            }
        }
    }

    private static func mixed(_ index: Int) -> ChainDriver.Script {
        index % 2 == 0 ? .tools(calls: 2) : .text(turns: 3)
    }

    @Test func fiftyConcurrentChainsOverTwoConnectionsOfThirtyTwoLanesAllComplete() async throws {
        try await withEmulator(limit: .seconds(240)) { emulator, baseURL in
            let configuration = testConfiguration(baseURL) {
                $0.connections = 2
                // Scheduling, not liveness, is checked here. Run beside the integration suites on 2 cores, the ping
                // deadline (20 s) closed both connections mid-test; with pings off they stayed up.
                $0.pingInterval = nil
            }
            let pool = WebSocketPool(configuration: configuration, logger: LogCapture().logger(level: .info))
            try await whileRunning({ try await pool.run() }) {
                let outcomes = try await driveAll(50, over: pool, script: Self.mixed)
                expectCorrect(outcomes, count: 50, script: Self.mixed)
                // 64 lanes for 50 chains and nothing failed, so every chain continued on its lane: one lease and
                // one full request each, even though only 32 responses could stream at once.
                #expect(outcomes.values.map(\.retries).reduce(0, +) == 0)
                #expect(outcomes.values.allSatisfy { $0.leases == 1 && $0.fullContextRequests == 1 })
                #expect(outcomes.values.map(\.continuationRequests).reduce(0, +) == 100)
                let status = await pool.status()
                #expect(status.map(\.responsesServed).reduce(0, +) == 150)
                #expect(status.map(\.reconnects) == [0, 0])
                #expect(status.allSatisfy { $0.lanesInUse == 0 && $0.responsesInFlight == 0 })
                let queue = await pool.queueStats()
                #expect(queue.leasesGranted == 50 && queue.waiting == 0 && queue.lanesTakenOver == 0)
                #expect(queue.responsesStarted == 150 && queue.waitingForSlot == 0)
                #expect(emulator.recorder.connections().count == 2)
                #expect(emulator.recorder.violations() == [])
            }
        }
    }

    @Test func chainsBeyondTheLanesTakeOverIdleLanesAndNoContinuationIsRefused() async throws {
        try await withEmulator(limit: .seconds(240)) { emulator, baseURL in
            let configuration = testConfiguration(baseURL) {
                $0.connections = 2
                $0.lanesPerConnection = 3
                $0.activeResponsesPerConnection = 2
            }
            let pool = WebSocketPool(configuration: configuration, logger: LogCapture().logger(level: .info))
            try await whileRunning({ try await pool.run() }) {
                let outcomes = try await driveAll(20, over: pool, script: Self.mixed)
                expectCorrect(outcomes, count: 20, script: Self.mixed)
                // A chain whose idle lane was taken over noticed it before sending (`reserve`), so it never sent a
                // previous_response_id the server had dropped: no error, no retry; each new lease sent the whole
                // conversation once.
                #expect(outcomes.values.map(\.retries).reduce(0, +) == 0)
                #expect(outcomes.values.allSatisfy { $0.fullContextRequests == $0.leases })
                let queue = await pool.queueStats()
                let leases = outcomes.values.map(\.leases).reduce(0, +)
                #expect(leases >= 20 && leases <= 20 + queue.lanesTakenOver)
                #expect(queue.responsesStarted == outcomes.values.map(\.completedResponses.count).reduce(0, +))
                #expect(queue.waiting == 0 && queue.waitingForSlot == 0)
                #expect(emulator.recorder.violations() == [])
            }
        }
    }

    /// Frames in the longest response of the chains used below, measured on a healthy emulator.
    private func longestResponse() async throws -> Int {
        try await withEmulator { _, baseURL in
            let pool = WebSocketPool(
                configuration: testConfiguration(baseURL), logger: LogCapture().logger(level: .info))
            return try await whileRunning({ try await pool.run() }) {
                let outcomes = try await driveAll(2, over: pool, script: Self.mixed)
                return outcomes.values.flatMap(\.completedResponses).map(\.count).max() ?? 0
            }
        }
    }

    @Test(arguments: [1, 5, 12])
    func dropsAtDifferentPointsStillLetEveryChainFinish(extraFrames: Int) async throws {
        // A connection dies after `limit` frames. One lane per connection, so each fresh connection carries one
        // response at a time and `limit` > the longest response guarantees progress; the offsets move the drop
        // across the second and third responses of a chain.
        let longest = try await longestResponse()
        #expect(longest > 5)
        let limit = longest + extraFrames
        let emulator = EmulatorConfiguration(faults: .init(dropAfterEvents: limit))
        try await withEmulator(emulator, limit: .seconds(240)) { host, baseURL in
            let configuration = testConfiguration(baseURL) {
                $0.connections = 3
                $0.lanesPerConnection = 1
                $0.backoff = .init(base: .milliseconds(5), cap: .milliseconds(50))
            }
            let pool = WebSocketPool(configuration: configuration, logger: LogCapture().logger(level: .info))
            try await whileRunning({ try await pool.run() }) {
                let outcomes = try await driveAll(6, over: pool, script: Self.mixed)
                expectCorrect(outcomes, count: 6, script: Self.mixed)
                let retries = outcomes.values.map(\.retries).reduce(0, +)
                #expect(retries > 0)
                // Every retry went out with the whole conversation on a new lease (so did every chain whose idle lane
                // was taken over: three lanes for six chains).
                #expect(
                    outcomes.values.allSatisfy { $0.fullContextRequests == $0.leases && $0.leases >= $0.retries + 1 })
                let leases = outcomes.values.map(\.leases).reduce(0, +)
                let takenOver = await pool.queueStats().lanesTakenOver
                #expect(leases <= 6 + retries + takenOver)
                #expect(host.recorder.connections().count > 3)
                #expect(host.recorder.violations() == [])
            }
        }
    }

    @Test func theServersConnectionLimitExpiringDuringLongChainsLosesNoResponse() async throws {
        // The emulator sends `websocket_connection_limit_reached` and closes each connection after 1.5 s; the
        // chains take several seconds, so connections expire mid-chain (and mid-response) repeatedly.
        let emulator = EmulatorConfiguration(interEventDelay: .milliseconds(4), maxConnectionAge: .milliseconds(1500))
        try await withEmulator(emulator, limit: .seconds(240)) { host, baseURL in
            let configuration = testConfiguration(baseURL) {
                $0.connections = 2
                $0.backoff = .init(base: .milliseconds(5), cap: .milliseconds(50))
            }
            let pool = WebSocketPool(configuration: configuration, logger: LogCapture().logger(level: .info))
            try await whileRunning({ try await pool.run() }) {
                let script: @Sendable (Int) -> ChainDriver.Script = { _ in .tools(calls: 12) }
                let outcomes = try await driveAll(4, over: pool, script: script)
                expectCorrect(outcomes, count: 4, script: script)
                #expect(outcomes.values.allSatisfy { $0.completedResponses.count == 13 })
                #expect(outcomes.values.map(\.leases).reduce(0, +) > 4)
                #expect(host.recorder.connections().count > 2)
                #expect(host.recorder.violations() == [])
                #expect(await pool.status().map(\.reconnects).reduce(0, +) >= 1)
            }
        }
    }

    @Test func rotationByAgeEveryFewHundredMillisecondsLosesNoResponse() async throws {
        // The pool's own rotation (at turn boundaries) with a very short age: leases go stale between turns.
        let emulator = EmulatorConfiguration(interEventDelay: .milliseconds(2))
        try await withEmulator(emulator, limit: .seconds(240)) { host, baseURL in
            let configuration = testConfiguration(baseURL) {
                $0.connections = 2
                $0.maxConnectionAge = .milliseconds(300)
            }
            let pool = WebSocketPool(configuration: configuration, logger: LogCapture().logger(level: .info))
            try await whileRunning({ try await pool.run() }) {
                let script: @Sendable (Int) -> ChainDriver.Script = { _ in .tools(calls: 10) }
                let outcomes = try await driveAll(3, over: pool, script: script)
                expectCorrect(outcomes, count: 3, script: script)
                #expect(outcomes.values.map(\.leases).reduce(0, +) > 3)
                #expect(await pool.status().map(\.reconnects).reduce(0, +) >= 1)
                #expect(host.recorder.connections().count > 2)
                #expect(host.recorder.violations() == [])
            }
        }
    }
}
