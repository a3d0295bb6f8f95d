import AgentBenchKit
import AgentUpstream
import ArgumentParser
import Foundation
import ResponsesEmulator

extension BenchCommand {
    /// `upstream-outage`: the full-length version of the no-reconnect-storm test, with the production backoff.
    struct UpstreamOutageBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "upstream-outage",
            abstract: "Reconnect attempts during an upstream outage with runs waiting (production backoff).")

        @Option(name: .customLong("outage-s")) var outageSeconds = 30
        @Option var runs = 20
        @Option var connections = 2

        func run() async throws {
            let policy = ReconnectBackoff.Policy()
            let outage = Duration.seconds(outageSeconds)
            let result = try await EngineOverEmulator.run(
                emulator: EmulatorConfiguration(),
                configure: {
                    $0.connections = connections
                    $0.connectTimeout = outage * 3
                },
                runs: runs, model: "emu-tools-2",
                beforeRuns: { emulator in emulator.outage.begin(for: outage) })
            // The k-th retry of a connection comes at least Σ_{i<k} jitterMin·ceiling(i) after the drop; the first
            // refused upgrade of a streak is repeated once by the pool's status probe.
            var steps = 0
            var earliest = Duration.zero
            let backoff = ReconnectBackoff(policy: policy)
            while true {
                earliest += backoff.ceiling(attempt: steps) * policy.jitterMin
                if earliest >= outage { break }
                steps += 1
            }
            let attempts = result.refusedUpgrades.map { $0 / .milliseconds(1) }
            let recovered = Percentiles(result.runDurations)
            print("upstream-outage \(outageSeconds) s, \(runs) runs waiting, \(connections) connections:")
            print("  refused upgrade attempts: \(attempts.count) (bound \(connections * (steps + 1))) at \(attempts.map { Int($0) }) ms")
            print("  run time (outage included): \(recovered)")
            MetricLine.emit("upstream_outage_attempts", Double(attempts.count), "attempts")
            MetricLine.emit("upstream_outage_attempt_bound", Double(connections * (steps + 1)), "attempts")
            MetricLine.emit("upstream_outage_run_time_p99", recovered.p99, "ms")
        }
    }
}
