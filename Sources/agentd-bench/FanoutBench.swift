import AgentClient
import AgentControl
import AgentEngine
import AgentLedger
import AgentModel
import AgentProtocol
import AgentTools
import AgentUpstream
import ArgumentParser
import Foundation
import Logging
import ResponsesEmulator
import Synchronization

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
        }
    }
}

/// The fan-out measurement: emulator → upstream → RunManager → durable ledger (sync=full) → EventHub →
/// ControlServer → Unix socket → ``ControlClient``s, all in this process so one monotonic clock times both ends.
enum FanoutMeasurement {
    struct Result {
        /// Receipt minus commit, one per (client, delta).
        var latenciesMillis: [Double]
        /// Deltas committed per second, first to last.
        var achievedRate: Double
        /// Clients the server cut off as slow consumers.
        var cutOffClients: Int
        /// (client, delta) pairs never received.
        var missingDeliveries: Int
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

            let commits = CommitInstants()
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

            var connected: [ControlClient] = []
            for index in 0..<clients {
                let client = try await ControlClient.connect(socketPath: server.socketPath)
                _ = try await client.initialize(clientName: "fanout-\(index)", version: "1")
                connected.append(client)
            }
            let started = try await connected[0].call(
                RunStart.self,
                RunStart.Params(prompt: "fan out", model: "emu-text-deltas-\(deltas)-\(rate)", cwd: directory))
            let runID = started.run.id
            let receipts = try await withThrowingTaskGroup(of: ClientReceipts.self) { clientsGroup in
                for client in connected {
                    clientsGroup.addTask { try await receive(client, runID: runID) }
                }
                var all: [ClientReceipts] = []
                for try await receipts in clientsGroup { all.append(receipts) }
                return all
            }
            for client in connected { await client.close() }
            manager.stopAccepting()
            return summarize(receipts, commits: commits.all, deltas: deltas)
        }
    }

    /// What one client received: the delta seqs with their receipt instants, and whether it was cut off.
    struct ClientReceipts: Sendable {
        var received: [(seq: Int64, at: ContinuousClock.Instant)] = []
        var cutOff = false
    }

    private static func receive(_ client: ControlClient, runID: RunID) async throws -> ClientReceipts {
        var receipts = ClientReceipts()
        receipts.received.reserveCapacity(50_000)
        for try await item in client.attach(runID: runID, fromSeq: 0) {
            switch item {
            case .event(let event):
                if event.type == UpstreamEventType.outputTextDelta {
                    receipts.received.append((event.seq, ContinuousClock.now))
                }
            case .ended(let reason, _):
                receipts.cutOff = reason != AttachEndReason.runEnded
                return receipts
            }
        }
        return receipts
    }

    private static func summarize(
        _ receipts: [ClientReceipts], commits: [Int64: ContinuousClock.Instant], deltas: Int
    ) -> Result {
        var latencies: [Double] = []
        latencies.reserveCapacity(receipts.count * deltas)
        var missing = 0
        for client in receipts {
            missing += max(0, deltas - client.received.count)
            for (seq, at) in client.received {
                guard let committed = commits[seq] else { continue }
                latencies.append((at - committed) / .milliseconds(1))
            }
        }
        let instants = commits.values.sorted()
        var rate = Double.nan
        if let first = instants.first, let last = instants.last, instants.count > 1 {
            rate = Double(instants.count - 1) / ((last - first) / .seconds(1))
        }
        return Result(
            latenciesMillis: latencies, achievedRate: rate, cutOffClients: receipts.filter(\.cutOff).count,
            missingDeliveries: missing)
    }
}

/// The monotonic instant each text delta committed, recorded by the ledger's commit observer (writer thread).
final class CommitInstants: Sendable {
    private let instants = Mutex<[Int64: ContinuousClock.Instant]>([:])

    func record(_ events: [LedgerEvent]) {
        let now = ContinuousClock.now
        instants.withLock { map in
            for event in events where event.type == UpstreamEventType.outputTextDelta { map[event.seq] = now }
        }
    }

    var all: [Int64: ContinuousClock.Instant] { instants.withLock { $0 } }
}
