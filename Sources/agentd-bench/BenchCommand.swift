import AgentLedger
import AgentTools
import ArgumentParser
import Foundation

/// `agentd-bench`: the project's benchmarks, one subcommand each (scripts/bench.sh runs them in release).
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agentd-bench", abstract: "agentd benchmarks.",
        subcommands: [TurnOverhead.self, LedgerThroughput.self, ToolSpawn.self])

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
            print("turn-overhead sync=\(sync) runs=\(runs)x\(toolCalls): \(Percentiles(result.overheads))")
            for (name, values) in result.phases.sorted(by: { $0.key < $1.key }) {
                print("  \(name): \(Percentiles(values))")
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
            print(try await LedgerBenchmark.run(directory: directory, events: events))
        }
    }

    struct ToolSpawn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tool-spawn", abstract: "Per-call overhead of the shell tool running `true`.")

        @Option var iterations = 500

        func run() async throws {
            let result = await ToolBenchmark.spawnOverhead(iterations: iterations)
            print("tool-spawn n=\(iterations): p50=\(result.p50Millis) ms p99=\(result.p99Millis) ms")
        }
    }
}
