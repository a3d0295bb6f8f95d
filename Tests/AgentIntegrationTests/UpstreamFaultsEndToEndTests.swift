import AgentModel
import Foundation
import Testing

import FoundationNetworking

/// The upstream pool's fault handling with real processes: agentd against a `responses-emulator` process that is
/// frozen, forgets every cached response, or goes down for a while.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct UpstreamFaultsEndToEndTests {
    @Test func aFrozenUpstreamIsDetectedByThePingAndItsRunsMoveToAFreshConnection() async throws {
        // The idle-stream timeout is a minute, so within this test only an unanswered ping can end the connection.
        let harness = try await DaemonHarness(
            emulatorArguments: ["--event-delay-ms", "15"],
            daemonConfig: """
                [upstream]
                connections = 1
                ping_interval_ms = 300
                connect_timeout_ms = 20000
                idle_stream_timeout_ms = 60000
                """)
        defer { Task { await harness.stop() } }
        let runs = try (0..<3).map { try harness.startRun(model: "emu-tools-6", prompt: "frozen \($0)") }
        for run in runs { _ = try await run.waitForLine { $0.hasPrefix("[tool] shell: echo step-1") } }

        // SIGSTOP: the kernel still holds the TCP connection open, but nothing answers pings any more.
        harness.emulator.signal(SIGSTOP)
        let closed = try await harness.daemon.waitForLine(timeout: .seconds(30)) {
            $0.contains("upstream connection closed")
        }
        harness.emulator.signal(SIGCONT)
        #expect(closed.contains("without a close frame"), "\(closed)")

        let digest = try toolLoopDigest(steps: 6)
        for run in runs {
            let status = try await run.waitForExit(timeout: .seconds(60))
            #expect(status == 0, "stderr: \(run.stderr)")
            #expect(run.stdout.contains("digest=\(digest)"))
            let id = try #require(run.runID)
            let log = try await harness.agentctl(["log", "--json", id])
            let types = try log.stdout.map { try JSONCoding.decode(LedgerEvent.self, from: $0).type }
            // The run noticed the lost connection only as a restarted chain.
            #expect(types.contains(RunEventType.chainReset))
            #expect(types.filter { $0 == "tool.started" }.count == 6)
        }
        let recording = try await harness.faultRecording()
        #expect(recording.violations.isEmpty)
        #expect(recording.connections.filter { !$0.inbound.isEmpty }.count >= 2)
    }

    @Test func aThousandForgottenResponsesEachCostExactlyOneFullContextRetry() async throws {
        // A hundred runs of ten calls: the same 1,000 refused continuations as twenty runs of fifty, with full-context
        // retries a fifth as long (each resend carries the whole conversation so far). Seven connections of 16 lanes
        // keep every run on its lane, so each continuation is sent (a run that lost its lane would resend in full
        // without one). read_file (called with no path: a quick error output) keeps the calls cheap; sync = normal
        // keeps 2,100 requests from waiting on fsync. None of this changes what is checked.
        let (runCount, callsPerRun) = (100, 10)
        let harness = try await DaemonHarness(
            emulatorArguments: ["--forget-cached"],
            daemonConfig: """
                [ledger]
                sync = "normal"
                [run]
                tools = ["read_file"]
                [upstream]
                connections = 7
                lanes_per_connection = 16
                """)
        defer { Task { await harness.stop() } }
        let client = try ControlSocket(path: harness.socket)
        let runs = try await onThread {
            try client.initialize(name: "forgetful")
            return try client.startAndFollow(
                model: "emu-tools-\(callsPerRun)-tool-read_file", prompts: (0..<runCount).map { "forgetful \($0)" },
                cwd: harness.workDirectory)
        }

        // Every run completed with the same outputs, each answered once (the emulator checks the pairing); the
        // events each run's client received: a restart of the chain and one call per refusal, no call run twice.
        #expect(runs.count == runCount)
        #expect(runs.filter { $0.info["status"] != "completed" }.map(\.id) == [])
        let digests = Set(runs.compactMap { $0.info["output_text"]?.stringValue })
        #expect(digests.count == 1 && digests.first?.contains("digest=") == true, "\(digests)")
        for run in runs {
            let started = run.events.filter { $0.type == "tool.started" }
                .compactMap { try? JSONValue.parse($0.payload)["call_id"]?.stringValue }
            let shape = ForgetfulRunShape(
                gapless: run.events.map(\.seq) == Array(0..<Int64(run.events.count)),
                last: run.events.last?.type, calls: started.count, distinctCalls: Set(started).count,
                chainResets: run.events.filter { $0.type == RunEventType.chainReset }.count,
                requests: run.events.filter { $0.kind == .upstreamOut }.count)
            let expected = ForgetfulRunShape(
                gapless: true, last: RunEventType.completed, calls: callsPerRun, distinctCalls: callsPerRun,
                chainResets: callsPerRun, requests: 2 * callsPerRun + 1)
            #expect(shape == expected, "run \(run.id)")
        }

        // On every lane, each continuation (all refused with previous_response_not_found) is followed by exactly
        // one request that carries the whole conversation and no previous_response_id.
        let recording = try await harness.faultRecording()
        #expect(recording.violations.isEmpty)
        var continuations = 0
        var lanesWithTwoContinuationsInARow = 0
        var unansweredContinuations = 0
        for connection in recording.connections {
            let creates = try connection.inbound.map { try JSONValue.parse($0) }
                .filter { $0["type"] == "response.create" }
            var lanes: [String: [Bool]] = [:]
            for create in creates {
                guard let lane = create["stream_id"]?.stringValue else { continue }
                lanes[lane, default: []].append(create["previous_response_id"] != nil)
            }
            for onLane in lanes.values {
                continuations += onLane.filter { $0 }.count
                if zip(onLane, onLane.dropFirst()).contains(where: { $0 && $1 }) { lanesWithTwoContinuationsInARow += 1 }
                if onLane.last == true { unansweredContinuations += 1 }
            }
        }
        #expect(continuations == 1000)
        #expect(lanesWithTwoContinuationsInARow == 0)
        #expect(unansweredContinuations == 0)
    }

    @Test func anOutageWithTwentyRunsWaitingCausesNoReconnectStorm() async throws {
        let backoff = (base: 100.0, cap: 400.0, jitterMin: 0.75)
        let outageMillis = 2_000.0
        let harness = try await DaemonHarness(
            daemonConfig: """
                [upstream]
                connections = 2
                connect_timeout_ms = 30000
                reconnect_backoff_base_ms = \(Int(backoff.base))
                reconnect_backoff_max_ms = \(Int(backoff.cap))
                """)
        defer { Task { await harness.stop() } }
        // Both connections up first, so every attempt counted below is a reconnect after the outage's drop.
        for c in 0..<2 {
            _ = try await harness.daemon.waitForLine {
                $0.contains("upstream connection open") && $0.contains("upstream.conn=\(c) ")
            }
        }
        try await harness.beginOutage(milliseconds: Int(outageMillis))
        let runs = try (0..<20).map { try harness.startRun(model: "emu-tools-2", prompt: "patient \($0)") }
        let digest = try toolLoopDigest(steps: 2)
        for run in runs {
            let status = try await run.waitForExit(timeout: .seconds(60))
            #expect(status == 0, "stderr: \(run.stderr.suffix(5))")
            #expect(run.stdout.contains("digest=\(digest)"))
        }

        // Each connection retries at most once per backoff step: the k-th retry comes at least
        // Σ_{i<k} jitterMin·min(cap, base·2^i) after the drop, however many runs wait. Slowness only lowers the count.
        // The first refused upgrade of a failure streak is repeated once by the pool's probe (to learn the status).
        var steps = 0
        var earliest = 0.0
        while true {
            earliest += backoff.jitterMin * min(backoff.cap, backoff.base * pow(2, Double(steps)))
            if earliest >= outageMillis { break }
            steps += 1
        }
        let recording = try await harness.faultRecording()
        let attempts = recording.outageRefusedUpgradesMs
        print("outage: refused upgrade attempts at \(attempts) ms; bound \(2 * (steps + 1))")
        #expect(attempts.count >= 1, "the outage refused no attempt: it did not happen")
        #expect(attempts.count <= 2 * (steps + 1), "attempts at \(attempts) ms exceed \(steps) steps per connection")
        #expect(recording.violations.isEmpty)
    }

    @Test func aPrewarmedRunContinuesItsFirstRequestFromTheWarmUp() async throws {
        let harness = try await DaemonHarness(daemonConfig: """
            [upstream]
            prewarm = true
            """)
        defer { Task { await harness.stop() } }
        let run = try harness.startRun(model: "emu-tools-2", prompt: "warm")
        let status = try await run.waitForExit(timeout: .seconds(60))
        let digest = try toolLoopDigest(steps: 2)
        #expect(status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.contains("digest=\(digest)"))

        let id = try #require(run.runID)
        let log = try await harness.agentctl(["log", "--json", id])
        let events = try log.stdout.map { try JSONCoding.decode(LedgerEvent.self, from: $0) }
        let prewarmed = try #require(events.first { $0.type == "run.prewarmed" })
        let warmID = try #require(try JSONCoding.decode(JSONValue.self, from: prewarmed.payload)["response_id"]?.stringValue)

        // On the wire: the warm-up (generate false, tools, no input), then the first request chained from it with
        // the prompt, then ordinary continuations.
        let recording = try await harness.faultRecording()
        #expect(recording.violations.isEmpty)
        let creates = try recording.connections.flatMap(\.inbound).map { try JSONCoding.decode(JSONValue.self, from: $0) }
            .filter { $0["type"] == "response.create" }
        #expect(creates.count == 4)
        let warmUp = try #require(creates.first)
        #expect(warmUp["generate"] == .bool(false))
        #expect(Items.normalize(warmUp["input"]).isEmpty)
        #expect(warmUp["tools"]?.arrayValue?.isEmpty == false)
        #expect(creates.dropFirst().first?["previous_response_id"]?.stringValue == warmID)
        #expect(events.filter { $0.kind == .upstreamOut }.count == 3)
    }
}

extension DaemonHarness {
    /// Starts `agentctl start` (following the run until it ends) as a child process.
    func startRun(model: String, prompt: String) throws -> ChildProcess {
        try ChildProcess(
            "agentctl", ["start", "--model", model, prompt], environment: ["AGENTD_SOCKET": socket], cwd: workDirectory)
    }

    /// The emulator's recording, with the upgrade attempts refused during the latest outage.
    func faultRecording() async throws -> FaultRecording {
        let base = emulatorURL.replacingOccurrences(of: "/v1", with: "")
        let (data, _) = try await URLSession.shared.data(from: URL(string: base + "/emulator/recording")!)
        return try JSONDecoder().decode(FaultRecording.self, from: data)
    }

    /// Makes the emulator drop its connections and refuse upgrades for `milliseconds`.
    func beginOutage(milliseconds: Int) async throws {
        let base = emulatorURL.replacingOccurrences(of: "/v1", with: "")
        var request = URLRequest(url: URL(string: base + "/emulator/outage?ms=\(milliseconds)")!)
        request.httpMethod = "POST"
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
    }
}

extension ChildProcess {
    /// The run id `agentctl start` printed on stderr (`run run_… started`).
    var runID: String? {
        stderr.first { $0.hasPrefix("run run_") }.map { String($0.split(separator: " ")[1]) }
    }
}

/// What the forgotten-responses test checks of each run's events.
struct ForgetfulRunShape: Equatable {
    var gapless: Bool
    var last: String?
    var calls: Int
    var distinctCalls: Int
    var chainResets: Int
    var requests: Int
}

/// The emulator's `/emulator/recording` document, with the outage counters.
struct FaultRecording: Decodable {
    var connections: [EmulatorRecording.Connection]
    var violations: [String]
    var outageRefusedUpgradesMs: [Double]

    enum CodingKeys: String, CodingKey {
        case connections, violations
        case outageRefusedUpgradesMs = "outage_refused_upgrades_ms"
    }
}

/// The digest `emu-tools-N` reports for the outputs of its N shell steps, computed independently.
func toolLoopDigest(steps: Int) throws -> String {
    try sha256sum((0..<steps).map { "step-\($0) \($0 * 7 + 3)\n\n" }.joined())
}
