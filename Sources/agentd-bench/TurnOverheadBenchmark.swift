import AgentEngine
import AgentLedger
import AgentModel
import AgentTools
import AgentUpstream
import Foundation
import Logging
import ResponsesEmulator

/// Per-tool-round-trip overhead of agentd: an `emu-tools-N` run against the in-process emulator (zero
/// latency) over the real WebSocket pool, real shell tools and the durable ledger (`sync = full`).
enum TurnOverheadBenchmark {
    static func run(runs: Int, toolCalls: Int, sync: LedgerSync?) async throws -> (overheads: [Duration], phases: [String: [Duration]]) {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let directory = NSTemporaryDirectory() + "agentd-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let emulator = ResponsesEmulator(configuration: EmulatorConfiguration(), logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await emulator.run() }
            let base = try await emulator.baseURL()
            let hub = EventHub()
            let ledger = try sync.map { try Ledger(path: directory + "/agentd.sqlite", sync: $0, observer: { hub.publish($0) }) }
            defer { ledger?.close() }
            let store = TimedStore(inner: ledger ?? NullEventStore(observer: { hub.publish($0) }))
            let pool = WebSocketPool(
                configuration: UpstreamConfiguration(url: UpstreamConfiguration.responsesURL(fromBaseURL: base)!, connections: 1),
                logger: logger)
            group.addTask { try await pool.run() }
            var overheads: [Duration] = []
            var phases: [String: [Duration]] = [:]
            for _ in 0..<runs {
                let clock = TurnClock()
                let manager = RunManager(
                    store: store, upstream: TimedUpstream(inner: pool, clock: clock),
                    tools: TimedTools(inner: BuiltinTools(), clock: clock), hub: hub,
                    configuration: EngineConfiguration(), logger: logger)
                let driver = Task { await manager.run() }
                let state = try await manager.start(
                    StartRunRequest(prompt: "benchmark", model: "emu-tools-\(toolCalls)", cwd: directory))
                for try await item in manager.feed(state.id, fromSeq: 0) {
                    if case .ended = item { break }
                }
                let final = try await manager.state(of: state.id)
                guard final.status == .completed else { throw BenchmarkError("run ended \(final.status): \(final.endReason ?? "")") }
                manager.stopAccepting()
                driver.cancel()
                _ = await driver.value
                overheads += clock.overheads()
                for (name, values) in clock.phases() { phases[name, default: []] += values }
            }
            group.cancelAll()
            phases["ledger append (durable)"] = store.appendTimes.withLock { $0 }
            return (overheads, phases)
        }
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
