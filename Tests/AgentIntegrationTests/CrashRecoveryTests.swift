import AgentModel
import Foundation
import Testing

/// SIGKILL at several points of a thirty-tool-call run whose tool appends a line to a journal: after a restart
/// the run finishes, every step's line is in the journal exactly once (an uncertain call is decided by looking
/// at the journal, as a person would), nothing a client saw is missing from the ledger, and the file is sound.
@Suite(.serialized)
struct CrashRecoveryTests {
    /// Kill points: the event whose n-th occurrence the watcher sees just before the kill.
    ///
    /// A script runs other points through the environment (see docs/ledger.md, "Crash tests"):
    /// `AGENTD_KILL_POINTS="tool.started:3,response.create:27"` runs exactly those; `AGENTD_KILL_SEED=42`
    /// (with `AGENTD_KILL_COUNT`, default 4) draws that many points from the seed, the same ones every time.
    static let killPoints: [(type: String, occurrence: Int)] = killPoints(
        environment: ProcessInfo.processInfo.environment)

    static let defaultKillPoints: [(type: String, occurrence: Int)] = [
        ("tool.started", 3), ("response.completed", 11), ("tool.finished", 20), ("response.create", 27),
    ]

    /// The kill points `environment` asks for, or ``defaultKillPoints``.
    static func killPoints(environment: [String: String]) -> [(type: String, occurrence: Int)] {
        if let list = environment["AGENTD_KILL_POINTS"], !list.isEmpty {
            return list.split(separator: ",").compactMap { item in
                let parts = item.split(separator: ":")
                guard parts.count == 2, let occurrence = Int(parts[1]), (1...30).contains(occurrence) else { return nil }
                return (String(parts[0]), occurrence)
            }
        }
        guard let seedText = environment["AGENTD_KILL_SEED"], var state = UInt64(seedText) else {
            return defaultKillPoints
        }
        let count = Int(environment["AGENTD_KILL_COUNT"] ?? "") ?? 4
        let types = ["tool.started", "tool.finished", "response.completed", "response.create"]
        func next() -> UInt64 {
            // SplitMix64: a fixed sequence per seed.
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return (0..<max(0, count)).map { _ in (types[Int(next() % 4)], 1 + Int(next() % 30)) }
    }

    @Test(arguments: 0..<killPoints.count)
    func runSurvivesSIGKILL(point: Int) async throws {
        let (type, occurrence) = Self.killPoints[point]
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let started = try await harness.agentctl(["start", "--detach", "--json", "--model", "emu-journal-30", "journal"])
        let id = try #require(try JSONDecoder().decode([String: String].self, from: Data(started.stdout.joined().utf8))["id"])

        let watcher = try ChildProcess("agentctl", ["attach", id, "--json"], environment: ["AGENTD_SOCKET": harness.socket])
        let marker = #""type":"\#(type)""#
        _ = try await watcher.waitForLine { line in
            watcher.stdout.filter { $0.contains(marker) }.count >= occurrence
        }
        try await harness.crashAndRestartDaemon()
        // A process crash in the same boot: WAL recovery suffices, the full check is skipped.
        let openCheck = harness.ledgerOpenCheck()
        #expect(openCheck == "skipped_after_process_exit")
        _ = try? await watcher.waitForExit()
        let seenBeforeCrash = watcher.stdout.compactMap { try? JSONCoding.decode(LedgerEvent.self, from: $0) }

        // Follow the recovered run to its end, deciding uncertain calls from the journal.
        let decisions = try await harness.decideUncertainCallsFromJournal(id, limit: 5)
        #expect(decisions.ending == RunEventType.completed)

        // Exactly once: thirty lines, one per step.
        let lines = harness.journal().split(separator: "\n").map(String.init)
        let expectedLines = (0..<30).map { "step-\($0) \($0 * 7 + 3)" }
        #expect(lines == expectedLines)

        // Nothing a client saw before the crash is missing from the ledger, byte for byte.
        let log = try await harness.agentctl(["log", "--json", id])
        let ledger = log.stdout.compactMap { try? JSONCoding.decode(LedgerEvent.self, from: $0) }
        let seqs = ledger.map(\.seq)
        #expect(seqs == Array(0..<Int64(ledger.count)))
        let missing = seenBeforeCrash.filter { seen in ledger.first { $0.seq == seen.seq } != seen }
        #expect(missing.isEmpty)

        // The reported digest covers every output the model received.
        let answer = ledger.last { $0.type == "response.completed" }.map(\.payload) ?? ""
        if decisions.denied.isEmpty {
            let digest = try toolLoopDigest(steps: 30)
            #expect(answer.contains("digest=\(digest)"))
        }
        #expect(try harness.ledgerIntegrity() == "ok")
    }

    /// The step number k of an `echo step-k …` shell call's arguments.
    static func step(of arguments: String) -> Int? {
        guard let range = arguments.range(of: "step-") else { return nil }
        return Int(arguments[range.upperBound...].prefix { $0.isNumber })
    }
}
