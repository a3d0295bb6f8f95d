import AgentBenchKit
import AgentUpstream
import ArgumentParser
import ResponsesEmulator

extension BenchCommand {
    /// `upstream-transport`: the same tool-loop run over the WebSocket pool and over HTTP+SSE (a new request with
    /// the whole conversation per turn), with emulated latency before each response's first event.
    struct UpstreamTransportBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "upstream-transport",
            abstract: "End-to-end time of one tool-loop run over WebSocket vs HTTP+SSE with emulated latency.")

        @Option(help: "Runs per transport (one at a time; the median is reported).") var runs = 5
        @Option(name: .customLong("tool-calls")) var toolCalls = 30
        @Option(name: .customLong("latency-ms"), help: "Emulated round trip before each response's first event.")
        var latencyMillis = 20

        func run() async throws {
            let emulator = EmulatorConfiguration(firstEventDelay: .milliseconds(latencyMillis))
            var medians: [String: Double] = [:]
            for transport in [AgentUpstream.UpstreamTransport.websocket, .sse] {
                var durations: [Duration] = []
                for _ in 0..<runs {
                    let result = try await EngineOverEmulator.run(
                        emulator: emulator, configure: { $0.transport = transport; $0.connections = 1 }, runs: 1,
                        model: "emu-tools-\(toolCalls)")
                    durations += result.runDurations
                }
                let stats = Percentiles(durations)
                medians[transport.rawValue] = stats.p50
                print("upstream-transport \(transport.rawValue) \(toolCalls) calls, \(latencyMillis) ms latency: \(stats)")
                MetricLine.emit("upstream_\(transport.rawValue)_\(toolCalls)_calls_e2e_p50", stats.p50, "ms")
            }
            let ratio = (medians["sse"] ?? .nan) / (medians["websocket"] ?? .nan)
            print("upstream-transport sse/websocket end-to-end ratio: \(ratio)")
            MetricLine.emit("upstream_sse_over_websocket_ratio", ratio, "x")
        }
    }
}
