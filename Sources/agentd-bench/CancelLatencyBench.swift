import AgentBenchKit
import AgentEngine
import AgentLedger
import AgentModel
import AgentTools
import AgentUpstream
import ArgumentParser
import Foundation
import Logging
import ResponsesEmulator

extension BenchCommand {
    /// `cancel-latency`: how long `run/cancel` with `mode = now` takes to kill a running `sleep 60` tool, from the
    /// cancel request to the commit of the tool's `tool.finished` event (the daemon's real run path: `RunManager`,
    /// the durable ledger, the shell tool, the WebSocket upstream against an in-process emulator).
    ///
    /// The claim, "cancel --now kills a running sleep 60 tool within a second", is checked here rather than
    /// in the end-to-end test, whose timing would include a CLI process starting up under whatever load there is.
    struct CancelLatencyBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cancel-latency",
            abstract: "Cancel --now of a run whose tool sleeps 60 s: cancel request → tool.finished committed.")

        @Option(help: "Runs cancelled one after another.") var repeats = 20

        func run() async throws {
            let latencies = try await Self.measure(repeats: repeats)
            let stats = Percentiles(latencies)
            print("cancel-latency (sleep 60 killed by cancel --now) repeats=\(repeats): \(stats)")
            MetricLine.emit("cancel_now_latency_p50", stats.p50, "ms")
            MetricLine.emit("cancel_now_latency_p99", stats.p99, "ms")
        }

        /// One run at a time: start it, wait for its tool to start, cancel it at once, wait for `tool.finished`.
        static func measure(repeats: Int) async throws -> [Duration] {
            var logger = Logger(label: "bench")
            logger.logLevel = .error
            let directory = NSTemporaryDirectory() + "agentd-cancel-bench-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var emulatorLogger = logger
            emulatorLogger.logLevel = .critical
            let emulator = ResponsesEmulator(configuration: EmulatorConfiguration(), logger: emulatorLogger)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await emulator.run() }
                defer { group.cancelAll() }
                let base = try await emulator.baseURL()
                var configuration = UpstreamConfiguration(url: UpstreamConfiguration.responsesURL(fromBaseURL: base)!)
                configuration.connections = 1
                let upstream = AutoUpstream(configuration: configuration, logger: logger)
                group.addTask { try await upstream.run() }
                let hub = EventHub()
                let ledger = try Ledger(path: directory + "/agentd.sqlite", sync: .full, observer: { hub.publish($0) })
                defer { ledger.close() }
                let manager = RunManager(
                    store: ledger, upstream: upstream, tools: BuiltinTools(), hub: hub,
                    configuration: EngineConfiguration(), logger: logger)
                let driver = Task { await manager.run() }
                defer { driver.cancel() }
                var latencies: [Duration] = []
                for index in 0..<repeats {
                    latencies.append(try await cancelOne(index, manager: manager, cwd: directory))
                }
                manager.stopAccepting()
                return latencies
            }
        }

        /// The time from the cancel request to `tool.finished` arriving on the run's feed (published on commit).
        static func cancelOne(_ index: Int, manager: RunManager, cwd: String) async throws -> Duration {
            let state = try await manager.start(
                StartRunRequest(prompt: "cancel \(index)", model: "emu-slow-1-60000", cwd: cwd))
            var requested: ContinuousClock.Instant?
            var latency: Duration?
            for try await item in manager.feed(state.id, fromSeq: 0) {
                guard case .event(let event) = item else { break }
                if event.type == ToolEventType.started && requested == nil {
                    requested = ContinuousClock.now
                    _ = try await manager.cancel(state.id, mode: .now, reason: "bench")
                } else if event.type == ToolEventType.finished, let requested {
                    latency = ContinuousClock.now - requested
                    let outcome = try JSONCoding.decode(ToolFinished.self, from: event.payload)
                    guard outcome.exitCode == nil else {
                        throw BenchmarkError("the sleep was not killed: exit code \(outcome.exitCode!)")
                    }
                }
            }
            let final = try await manager.state(of: state.id)
            guard final.status == .cancelled, let latency else {
                throw BenchmarkError("run \(index) ended \(final.status) without a killed tool")
            }
            return latency
        }
    }
}
