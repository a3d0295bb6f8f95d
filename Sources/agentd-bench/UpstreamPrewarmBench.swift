import AgentBenchKit
import ArgumentParser
import ResponsesEmulator

extension BenchCommand {
    /// `upstream-prewarm`: what `upstream.prewarm` (a `generate: false` warm-up before a new run's first request)
    /// costs or saves end to end, with emulated latency.
    struct UpstreamPrewarmBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "upstream-prewarm",
            abstract: "End-to-end time of a short tool-loop run with and without the generate:false warm-up.")

        @Option(help: "Runs per setting (one at a time; the median is reported).") var runs = 10
        @Option(name: .customLong("tool-calls")) var toolCalls = 3
        @Option(name: .customLong("latency-ms")) var latencyMillis = 20

        func run() async throws {
            let emulator = EmulatorConfiguration(firstEventDelay: .milliseconds(latencyMillis))
            var medians: [Bool: Double] = [:]
            for prewarm in [false, true] {
                var durations: [Duration] = []
                for _ in 0..<runs {
                    let result = try await EngineOverEmulator.run(
                        emulator: emulator, configure: { $0.connections = 1 }, engine: { $0.prewarm = prewarm },
                        runs: 1, model: "emu-tools-\(toolCalls)")
                    durations += result.runDurations
                }
                let stats = Percentiles(durations)
                medians[prewarm] = stats.p50
                let name = prewarm ? "on" : "off"
                print("upstream-prewarm \(name), \(toolCalls) calls, \(latencyMillis) ms latency: \(stats)")
                MetricLine.emit("upstream_prewarm_\(name)_e2e_p50", stats.p50, "ms")
            }
            let saved = (medians[false] ?? .nan) - (medians[true] ?? .nan)
            print("upstream-prewarm saves \(saved) ms per run (negative: costs)")
            MetricLine.emit("upstream_prewarm_saved_per_run", saved, "ms")
        }
    }
}
