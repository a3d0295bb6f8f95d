import AgentBenchKit
import ArgumentParser
import ResponsesEmulator

extension BenchCommand {
    /// `upstream-queue`: many concurrent runs over few connections; how long turns wait for a lane.
    struct UpstreamQueueWaitBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "upstream-queue",
            abstract: "Per-turn wait (a lane, then an active slot) of many concurrent runs over few WebSocket connections.")

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
            // A request waits for a lane when its run leases (its first turn, after a lost connection, or after its
            // idle lane was taken over), then for an active slot of the lane's connection.
            let leases = Percentiles(result.leaseWaits)
            let perTurn = Percentiles(result.turnWaits)
            let runsStats = Percentiles(result.runDurations)
            print("upstream-queue \(runs) runs x \(toolCalls) calls over \(connections) connections, \(latencyMillis) ms:")
            print("  lease wait: \(leases)")
            print("  per-request wait (\(result.turns) responses completed): \(perTurn)")
            print("  run time: \(runsStats); batch \(result.total)")
            let continued = result.continuationRequests
            let sent = continued + result.fullContextRequests
            print("  requests continuing on their lane (previous_response_id): \(continued) of \(sent)")
            MetricLine.emit("upstream_queue_lease_wait_p50", leases.p50, "ms")
            MetricLine.emit("upstream_queue_lease_wait_p99", leases.p99, "ms")
            MetricLine.emit("upstream_queue_turn_wait_p50", perTurn.p50, "ms")
            MetricLine.emit("upstream_queue_turn_wait_p99", perTurn.p99, "ms")
            MetricLine.emit("upstream_queue_batch", result.total / .milliseconds(1), "ms")
            MetricLine.emit("upstream_queue_continued_requests", Double(continued) * 100 / Double(max(1, sent)), "%")
        }
    }
}
