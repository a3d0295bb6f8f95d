import AgentBenchKit
import AgentLedger
import AgentTools
import ArgumentParser
import Foundation

/// `agentd-bench`: the project's benchmarks, one subcommand each (scripts/bench.sh runs them in release).
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agentd-bench", abstract: "agentd benchmarks.",
        subcommands: [TurnOverhead.self, LedgerThroughput.self, ToolSpawn.self, LedgerReplay.self, LedgerStartup.self,
            UpstreamTransportBench.self, UpstreamQueueWaitBench.self, UpstreamOutageBench.self,
            UpstreamPrewarmBench.self, FanoutBench.self, FanoutClientCommand.self, MCPRoundTripBench.self,
            LedgerBlobBench.self, CancelLatencyBench.self, LongContextBench.self, ConversationBench.self])

    struct TurnOverhead: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "turn-overhead",
            abstract: "Time agentd adds per tool round trip (completed received → next create written, minus the tool).")

        @Option var runs = 10
        @Option(name: .customLong("tool-calls")) var toolCalls = 30
        @Option(help: "full, normal, or none (an in-memory store: the cost of everything but the ledger).")
        var sync = "full"

        func run() async throws {
            let result = try await TurnOverheadBenchmark.run(
                runs: runs, toolCalls: toolCalls, sync: sync == "none" ? nil : LedgerSync(rawValue: sync) ?? .full)
            let overall = Percentiles(result.overheads)
            print("turn-overhead sync=\(sync) runs=\(runs)x\(toolCalls): \(overall)")
            MetricLine.emit("turn_overhead_\(sync)_p50", overall.p50, "ms")
            MetricLine.emit("turn_overhead_\(sync)_p99", overall.p99, "ms")
            for (name, values) in result.phases.sorted(by: { $0.key < $1.key }) {
                print("  \(name): \(Percentiles(values))")
            }
            if let appends = result.phases["ledger append (durable)"], !appends.isEmpty {
                MetricLine.emit("turn_ledger_append_\(sync)_p50", Percentiles(appends).p50, "ms")
            }
        }
    }

    struct LedgerThroughput: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ledger", abstract: "Ledger append throughput, commit latency and read-back speed.")

        @Option var events = 200_000

        func run() async throws {
            let directory = NSTemporaryDirectory() + "agentd-ledger-bench-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let result = try await LedgerBenchmark.run(directory: directory, events: events)
            print(result)
            MetricLine.emit("ledger_streamed_full", result.streamedFullPerSecond, "events/s")
            MetricLine.emit("ledger_streamed_normal", result.streamedNormalPerSecond, "events/s")
            MetricLine.emit("ledger_interleaved_full", result.interleavedFullPerSecond, "events/s")
            MetricLine.emit("ledger_commit_full_p50", result.appendLatencyP50Millis, "ms")
            MetricLine.emit("ledger_commit_full_p99", result.appendLatencyP99Millis, "ms")
            MetricLine.emit("ledger_read_back", result.readBackPerSecond, "events/s")
        }
    }

    struct ToolSpawn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tool-spawn",
            abstract: "Per-call overhead of the shell tool running `true`, directly and in the bwrap sandbox.")

        @Option var iterations = 500

        func run() async throws {
            let result = await ToolBenchmark.spawnOverhead(iterations: iterations)
            print("tool-spawn n=\(iterations): p50=\(result.p50Millis) ms p99=\(result.p99Millis) ms")
            MetricLine.emit("tool_spawn_p50", result.p50Millis, "ms")
            MetricLine.emit("tool_spawn_p99", result.p99Millis, "ms")
            switch await BubblewrapSandbox.probe() {
            case .success(let sandbox):
                let boxed = await ToolBenchmark.spawnOverhead(iterations: iterations, sandbox: sandbox)
                print("tool-spawn bwrap n=\(iterations): p50=\(boxed.p50Millis) ms p99=\(boxed.p99Millis) ms")
                MetricLine.emit("tool_spawn_bwrap_p50", boxed.p50Millis, "ms")
                MetricLine.emit("tool_spawn_bwrap_p99", boxed.p99Millis, "ms")
            case .failure(let unavailable):
                print("tool-spawn bwrap: skipped, \(unavailable.reason)")
            }
        }
    }
}
