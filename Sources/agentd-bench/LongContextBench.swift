import AgentBenchKit
import AgentEngine
import AgentModel
import AgentUpstream
import ArgumentParser
import Foundation
import ResponsesEmulator
import Synchronization

extension BenchCommand {
    /// A long tool loop (300 calls of 8 KB outputs by default) with and without compaction: the bytes agentd sends
    /// upstream and the turn latency (request written → terminal event), over WebSocket (chained requests) and
    /// HTTP+SSE (every request carries the whole conversation).
    struct LongContextBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "long-context",
            abstract: "Bytes sent upstream and p50 turn latency of a long run, with and without compaction.")

        @Option(name: .customLong("tool-calls")) var toolCalls = 300
        @Option(name: .customLong("output-bytes")) var outputBytes = 8_000
        @Option(help: "compact_threshold (tokens) of the run with compaction.") var threshold = 32_000
        @Option(help: "websocket, sse, or both.") var transport = "both"

        func run() async throws {
            let transports: [UpstreamTransport] =
                transport == "both" ? [.websocket, .sse] : [UpstreamTransport(rawValue: transport) ?? .websocket]
            for kind in transports {
                for compactThreshold in [0, threshold] {
                    let meter = UpstreamMeter()
                    let result = try await EngineOverEmulator.run(
                        emulator: EmulatorConfiguration(),
                        configure: {
                            $0.connections = 1; $0.transport = kind
                        },
                        engine: {
                            $0.compactThreshold = compactThreshold
                            $0.maxResponses = toolCalls + 50
                        }, runs: 1,
                        model: "emu-big-\(toolCalls)-\(outputBytes)", wrap: { MeteredUpstream(inner: $0, meter: meter) }
                    )
                    let latency = Percentiles(meter.latencies)
                    let mode = compactThreshold == 0 ? "off" : "on"
                    let megabytes = Double(meter.bytes) / 1_000_000
                    print(
                        "long-context \(kind.rawValue) compaction \(mode) (threshold \(compactThreshold)): "
                            + "\(result.turns) responses, \(megabytes) MB sent upstream, turn latency \(latency), "
                            + "run \(result.runDurations.first.map { $0 / .seconds(1) } ?? .nan) s")
                    MetricLine.emit("long_context_\(kind.rawValue)_compaction_\(mode)_bytes_sent", megabytes, "MB")
                    MetricLine.emit("long_context_\(kind.rawValue)_compaction_\(mode)_turn_p50", latency.p50, "ms")
                }
            }
        }
    }
}

/// What ``MeteredUpstream`` saw: request bytes and per-request latency.
final class UpstreamMeter: Sendable {
    private let state = Mutex<(bytes: Int, latencies: [Duration])>((0, []))

    func sent(_ bytes: Int) { state.withLock { $0.bytes += bytes } }
    func took(_ latency: Duration) { state.withLock { $0.latencies.append(latency) } }

    var bytes: Int { state.withLock { $0.bytes } }
    var latencies: [Duration] { state.withLock { $0.latencies } }
}

/// Counts the bytes of every request (and `/responses/compact` body) and times each request to its last frame.
struct MeteredUpstream: ResponsesUpstream {
    let inner: any ResponsesUpstream
    let meter: UpstreamMeter

    func lease(for run: RunID) async throws -> any UpstreamLane {
        MeteredLane(inner: try await inner.lease(for: run), meter: meter)
    }

    func compact(_ body: String) async throws -> String {
        meter.sent(body.utf8.count)
        return try await inner.compact(body)
    }
}

/// A lane that reports to an ``UpstreamMeter``.
struct MeteredLane: UpstreamLane {
    let inner: any UpstreamLane
    let meter: UpstreamMeter

    var streamID: String? { inner.streamID }
    var isUsable: Bool { inner.isUsable }

    func reserve() async -> Bool { await inner.reserve() }

    func send(_ frame: String) async throws -> AsyncThrowingStream<String, any Error> {
        meter.sent(frame.utf8.count)
        let start = ContinuousClock.now
        let frames = try await inner.send(frame)
        let meter = self.meter
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await text in frames { continuation.yield(text) }
                    meter.took(ContinuousClock.now - start)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    func steer(_ frame: String) async -> SteerSubmission { await inner.steer(frame) }

    func release() async { await inner.release() }
}
