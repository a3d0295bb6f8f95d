import AgentBenchKit
import AgentControl
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
    /// One run streaming text deltas at a set rate to many clients attached over the real control socket;
    /// measures the latency from each delta's ledger commit to its receipt by each client.
    struct FanoutBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fanout",
            abstract: "Delivery latency (ledger commit → client receipt) of one fast-streaming run to N clients.")

        @Option var clients = 32
        @Option(help: "Text deltas per second the emulator streams.") var rate = 5000
        @Option(help: "Text deltas in the run.") var deltas = 10_000

        func run() async throws {
            let result = try await FanoutMeasurement.run(clients: clients, rate: rate, deltas: deltas)
            let latency = Percentiles(millis: result.latenciesMillis)
            print(
                "fanout clients=\(clients) deltas=\(deltas) requested=\(rate)/s achieved=\(Int(result.achievedRate))/s "
                    + "cut off=\(result.cutOffClients) missing=\(result.missingDeliveries): \(latency)")
            MetricLine.emit("fanout_p50", latency.p50, "ms")
            MetricLine.emit("fanout_p99", latency.p99, "ms")
            MetricLine.emit("fanout_max", latency.sorted.last ?? .nan, "ms")
            MetricLine.emit("fanout_delta_rate", result.achievedRate, "events/s")
            MetricLine.emit("fanout_cut_off_clients", Double(result.cutOffClients), "clients")
            // CPU per delta delivered to all clients: comparable across runs even on a busy machine.
            print(
                "  cpu: server process \(Int(result.serverCPUSeconds * 1000)) ms, client process "
                    + "\(Int(result.clientCPUSeconds * 1000)) ms")
            MetricLine.emit("fanout_server_cpu_per_delta", result.serverCPUSeconds / Double(deltas) * 1e6, "us")
            MetricLine.emit("fanout_client_cpu_per_delta", result.clientCPUSeconds / Double(deltas) * 1e6, "us")
        }
    }
}

/// The fan-out measurement: emulator → upstream → RunManager → durable ledger (sync=full) → EventHub →
/// ControlServer → Unix socket → N clients in a child process (``FanoutClientProcess``), so the clients do not
/// compete with the server for this process's threads. Both ends read `CLOCK_MONOTONIC`, which is machine-wide.
enum FanoutMeasurement {
    struct Result {
        /// Receipt minus commit, one per (client, delta).
        var latenciesMillis: [Double]
        /// Deltas committed per second, first to last.
        var achievedRate: Double
        /// Clients whose subscription ended other than with `run_ended` (e.g. cut off as slow consumers).
        var cutOffClients: Int
        /// (client, delta) pairs never received.
        var missingDeliveries: Int
        /// CPU seconds this process (emulator, upstream, engine, ledger, control server) used while the clients ran.
        var serverCPUSeconds = 0.0
        /// CPU seconds the client process used.
        var clientCPUSeconds = 0.0
    }

    static func run(clients: Int, rate: Int, deltas: Int) async throws -> Result {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let directory = NSTemporaryDirectory() + "agentd-fanout-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var emulatorLogger = logger
        emulatorLogger.logLevel = .critical
        // The first event waits so every client is attached before the deltas start.
        let emulator = ResponsesEmulator(
            configuration: EmulatorConfiguration(firstEventDelay: .milliseconds(500)), logger: emulatorLogger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await emulator.run() }
            defer { group.cancelAll() }
            let base = try await emulator.baseURL()
            var upstreamConfiguration = UpstreamConfiguration(
                url: UpstreamConfiguration.responsesURL(fromBaseURL: base)!)
            upstreamConfiguration.connections = 1
            let upstream = AutoUpstream(configuration: upstreamConfiguration, logger: logger)
            let connectionEvents = await upstream.pool.connectionEvents()
            group.addTask { try await upstream.run() }
            for await event in connectionEvents {
                if case .opened = event { break }
            }

            let commits = FanoutCommitInstants()
            let hub = EventHub()
            let ledger = try Ledger(path: directory + "/agentd.sqlite", sync: .full) { events in
                commits.record(events)
                hub.publish(events)
            }
            defer { ledger.close() }
            let manager = RunManager(
                store: ledger, upstream: upstream, tools: BuiltinTools(), hub: hub,
                configuration: EngineConfiguration(), logger: logger)
            let driver = Task { await manager.run() }
            defer { driver.cancel() }
            let server = ControlServer(
                socketPath: directory + "/control.sock", backend: BenchControlBackend(manager: manager),
                logger: logger)
            try await server.start()
            group.addTask { try await server.run() }
            defer { server.shutdown() }

            let (ownBefore, childrenBefore) = (ProcessCPUTime.ownSeconds(), ProcessCPUTime.childrenSeconds())
            let receipts = try await FanoutClientProcess.run(
                socketPath: server.socketPath, clients: clients, model: "emu-text-deltas-\(deltas)-\(rate)",
                directory: directory)
            var result = summarize(receipts, commits: commits.all, deltas: deltas)
            result.serverCPUSeconds = ProcessCPUTime.ownSeconds() - ownBefore
            result.clientCPUSeconds = ProcessCPUTime.childrenSeconds() - childrenBefore
            manager.stopAccepting()
            return result
        }
    }

    private static func summarize(_ receipts: FanoutReceipts, commits: [Int64: Int64], deltas: Int) -> Result {
        var latencies: [Double] = []
        latencies.reserveCapacity(receipts.clients.count * deltas)
        var missing = 0
        for client in receipts.clients {
            missing += max(0, deltas - client.seqs.count)
            for (seq, received) in zip(client.seqs, client.receivedNanos) {
                guard let committed = commits[seq] else { continue }
                latencies.append(Double(received - committed) / 1e6)
            }
        }
        let instants = commits.values.sorted()
        var rate = Double.nan
        if let first = instants.first, let last = instants.last, instants.count > 1, last > first {
            rate = Double(instants.count - 1) / (Double(last - first) / 1e9)
        }
        let cutOff = receipts.clients.filter { $0.endReason != "run_ended" }.count
        return Result(
            latenciesMillis: latencies, achievedRate: rate, cutOffClients: cutOff, missingDeliveries: missing)
    }
}
