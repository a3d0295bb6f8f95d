import ArgumentParser
import ResponsesEmulator

extension BenchCommand {
    /// `upstream-queue`: many concurrent runs over few connections; how long turns wait for a lane.
    struct UpstreamQueueWaitBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "upstream-queue",
            abstract: "Per-turn lane wait of many concurrent runs over a few pooled WebSocket connections.")

        @Option var runs = 200
        @Option var connections = 4
        @Option(name: .customLong("tool-calls")) var toolCalls = 5
        @Option(name: .customLong("latency-ms")) var latencyMillis = 20

        func run() async throws {
            let result = try await EngineOverEmulator.run(
                emulator: EmulatorConfiguration(firstEventDelay: .milliseconds(latencyMillis)),
                configure: {
                    $0.connections = connections
                    $0.connectTimeout = .seconds(600)
                },
                runs: runs, model: "emu-tools-\(toolCalls)")
            // A run keeps its lane between turns: it waits only when it leases (its first turn, or after a lost
            // connection); every other turn waits zero.
            let leases = Percentiles(result.leaseWaits)
            let zeros = Array(repeating: Duration.zero, count: max(0, result.turns - result.leaseWaits.count))
            let perTurn = Percentiles(result.leaseWaits + zeros)
            let runsStats = Percentiles(result.runDurations)
            print("upstream-queue \(runs) runs x \(toolCalls) calls over \(connections) connections, \(latencyMillis) ms:")
            print("  lease wait: \(leases)")
            print("  per-turn wait (\(result.turns) turns): \(perTurn)")
            print("  run time: \(runsStats); batch \(result.total)")
            MetricLine.emit("upstream_queue_lease_wait_p50", leases.p50, "ms")
            MetricLine.emit("upstream_queue_lease_wait_p99", leases.p99, "ms")
            MetricLine.emit("upstream_queue_turn_wait_p50", perTurn.p50, "ms")
            MetricLine.emit("upstream_queue_turn_wait_p99", perTurn.p99, "ms")
            MetricLine.emit("upstream_queue_batch", result.total / .milliseconds(1), "ms")
        }
    }
}
