import AgentEngine
import AgentLedger
import AgentModel
import AgentTools
import AgentUpstream
import Foundation
import Logging
import ResponsesEmulator
import Synchronization

/// The daemon's real run path for upstream benchmarks: `RunManager` with the durable ledger and the shell tool,
/// over ``AutoUpstream`` (WebSocket pool or HTTP+SSE), against an in-process emulator with latency.
enum EngineOverEmulator {
    /// What a batch of concurrent runs measured.
    struct Result {
        /// From `run/start` to the end of each run's feed.
        var runDurations: [Duration]
        /// How long each `lease` waited for a lane (a run's first turn, and any turn after a lost connection).
        var leaseWaits: [Duration]
        /// How long each request waited before it went out: its lease's wait (first request on a lane) plus its
        /// wait in `send` (an active slot of the connection, then the write).
        var turnWaits: [Duration]
        /// Requests sent with `previous_response_id`, and with the whole conversation.
        var continuationRequests: Int
        var fullContextRequests: Int
        /// Responses completed, over all runs.
        var turns: Int
        /// Wall time of the whole batch.
        var total: Duration
        /// WebSocket upgrade attempts the emulator refused during its latest outage.
        var refusedUpgrades: [Duration]
    }

    /// Runs `runs` runs of `model` concurrently and waits for all of them to complete.
    /// - Parameters:
    ///   - emulator: latency and faults of the emulator.
    ///   - configure: adjusts the upstream configuration (transport, connections, timers).
    ///   - configureEngine: adjusts the engine configuration (e.g. `prewarm`).
    ///   - runs: concurrent runs.
    ///   - model: the emulator model, e.g. `emu-tools-30`.
    ///   - beforeRuns: called once the upstream is up, before the runs start (e.g. to begin an outage).
    ///   - wrap: wraps the upstream the engine uses (e.g. to count bytes).
    /// - Throws: ``BenchmarkError`` when a run does not complete.
    static func run(
        emulator emulatorConfiguration: EmulatorConfiguration,
        configure: (inout UpstreamConfiguration) -> Void,
        engine configureEngine: (inout EngineConfiguration) -> Void = { _ in },
        runs: Int,
        model: String,
        beforeRuns: @Sendable (ResponsesEmulator) async throws -> Void = { _ in },
        wrap: (any ResponsesUpstream) -> any ResponsesUpstream = { $0 }
    ) async throws -> Result {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let directory = NSTemporaryDirectory() + "agentd-upstream-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var emulatorLogger = logger
        // The server library reports its own cancellation at shutdown as an error: not the benchmark's concern.
        emulatorLogger.logLevel = .critical
        let emulator = ResponsesEmulator(configuration: emulatorConfiguration, logger: emulatorLogger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await emulator.run() }
            defer { group.cancelAll() }
            let base = try await emulator.baseURL()
            var configuration = UpstreamConfiguration(url: UpstreamConfiguration.responsesURL(fromBaseURL: base)!)
            configure(&configuration)
            let upstream = AutoUpstream(configuration: configuration, logger: logger)
            let events = await upstream.pool.connectionEvents()
            group.addTask { try await upstream.run() }
            if configuration.transport != .sse {
                // Pre-connected, as in the daemon: measure runs, not handshakes.
                var opened = 0
                for await event in events {
                    if case .opened = event { opened += 1 }
                    if opened == configuration.connections { break }
                }
            }
            let hub = EventHub()
            let ledger = try Ledger(path: directory + "/agentd.sqlite", sync: .full, observer: { hub.publish($0) })
            defer { ledger.close() }
            let waits = LeaseWaitLog()
            let turnWaits = LeaseWaitLog()
            let kinds = RequestKindCount()
            var engineConfiguration = EngineConfiguration(maxTurnAttempts: 20)
            configureEngine(&engineConfiguration)
            let timed = LeaseTimingUpstream(inner: wrap(upstream), waits: waits, turnWaits: turnWaits, kinds: kinds)
            let manager = RunManager(
                store: ledger, upstream: timed, tools: BuiltinTools(), hub: hub, configuration: engineConfiguration,
                logger: logger)
            let driver = Task { await manager.run() }
            defer { driver.cancel() }
            try await beforeRuns(emulator)

            let started = ContinuousClock.now
            let finished = try await withThrowingTaskGroup(of: (Duration, Int).self) { runsGroup in
                for index in 0..<runs {
                    runsGroup.addTask {
                        let start = ContinuousClock.now
                        let state = try await manager.start(
                            StartRunRequest(prompt: "bench \(index)", model: model, cwd: directory))
                        for try await item in manager.feed(state.id, fromSeq: 0) {
                            if case .ended = item { break }
                        }
                        let final = try await manager.state(of: state.id)
                        guard final.status == .completed else {
                            throw BenchmarkError("run ended \(final.status): \(final.endReason ?? "")")
                        }
                        return (ContinuousClock.now - start, final.responsesCompleted)
                    }
                }
                var all: [(Duration, Int)] = []
                for try await result in runsGroup { all.append(result) }
                return all
            }
            let total = ContinuousClock.now - started
            manager.stopAccepting()
            return Result(
                runDurations: finished.map(\.0), leaseWaits: waits.all, turnWaits: turnWaits.all,
                continuationRequests: kinds.continued, fullContextRequests: kinds.full,
                turns: finished.reduce(0) { $0 + $1.1 }, total: total,
                refusedUpgrades: emulator.outage.refusedUpgrades())
        }
    }
}

/// Passes leases through, recording how long each one waited for a lane, and how long each request waited.
struct LeaseTimingUpstream: ResponsesUpstream {
    let inner: any ResponsesUpstream
    let waits: LeaseWaitLog
    let turnWaits: LeaseWaitLog
    let kinds: RequestKindCount

    func lease(for run: RunID) async throws -> any UpstreamLane {
        let start = ContinuousClock.now
        let lane = try await inner.lease(for: run)
        let waited = ContinuousClock.now - start
        waits.append(waited)
        return TurnWaitLane(inner: lane, leaseWait: waited, waits: turnWaits, kinds: kinds)
    }

    func compact(_ body: String) async throws -> String { try await inner.compact(body) }
}

/// Lease waits, appended from many tasks.
final class LeaseWaitLog: Sendable {
    private let waits = Mutex<[Duration]>([])

    func append(_ wait: Duration) { waits.withLock { $0.append(wait) } }

    var all: [Duration] { waits.withLock { $0 } }
}
