import AgentBenchKit
import AgentLedger
import ArgumentParser
import Foundation

extension BenchCommand {
    /// `ledger-replay`: replay speed of a large ledger through the reducer.
    struct LedgerReplay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ledger-replay",
            abstract: "Replay every run of a 1,000,000-event ledger through the reducer (events/s).")

        @Option(help: "Events in the ledger (runs of about 1,000 events).") var events = 1_000_000
        @Option(help: "Replays to time (the best is reported; the first warms the page cache).") var repeats = 3
        @Option(help: "Replay this ledger instead of writing a fresh one (it is created there if missing).")
        var ledger: String?

        func run() async throws {
            let directory = try BenchDirectory()
            let path = ledger ?? directory.path + "/ledger.sqlite"
            if !FileManager.default.fileExists(atPath: path) {
                let fixture = try await LedgerFixtureSpec(events: events).write(to: path)
                print("ledger-replay: wrote \(fixture.events) events in \(fixture.runs.count) runs")
            }
            var best: LedgerReplayBenchmark.Result?
            for attempt in 1...max(1, repeats) {
                let result = try await LedgerReplayBenchmark.replayAll(path: path)
                print(
                    "  replay \(attempt): \(result.events) events of \(result.runs) runs in "
                        + "\(String(format: "%.3f", result.seconds)) s = \(Int(result.eventsPerSecond)) events/s "
                        + "(CPU \(String(format: "%.3f", result.cpuSeconds)) s)")
                if best == nil || result.eventsPerSecond > best!.eventsPerSecond { best = result }
            }
            MetricLine.emit("ledger_replay", best?.eventsPerSecond ?? .nan, "events/s")
        }
    }

    /// `ledger-startup`: time from spawning agentd to a control socket that answers, with a large ledger.
    struct LedgerStartup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ledger-startup",
            abstract: "Start agentd on a 1,000,000-event ledger; time until its socket answers `initialize`, "
                + "restarting after SIGKILL (same boot: no quick_check), after a simulated power loss (SIGKILL, "
                + "session marker gone: full quick_check) and after a clean SIGTERM shutdown; and time each "
                + "SIGTERM until agentd exits.")

        @Option(help: "Events in the ledger (runs of about 1,000 events).") var events = 1_000_000
        @Option(help: "Runs left unfinished (recovered at start-up).") var unfinished = 10
        @Option(help: "Start-ups to time.") var repeats = 5
        @Option(help: "The agentd binary (default: next to agentd-bench).") var agentd: String?
        @Option(help: "Copy this ledger into the state directory instead of writing a fresh one.") var ledger: String?
        @Flag(help: "Skip the power-loss series (each start reads the whole file: minutes on a multi-GB ledger).")
        var skipPowerLoss = false

        func run() async throws {
            let binary = agentd ?? Self.siblingBinary("agentd")
            let directory = try BenchDirectory()
            let state = directory.path + "/state"
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
            // The daemon's ledger file in its state directory (DaemonPaths.ledger).
            let target = state + "/agentd.sqlite"
            if let ledger {
                try FileManager.default.copyItem(atPath: ledger, toPath: target)
                print("ledger-startup: copied \(ledger)")
            } else {
                let spec = LedgerFixtureSpec(events: events, unfinished: unfinished)
                let fixture = try await spec.write(to: target)
                print("ledger-startup: \(fixture.events) events, \(fixture.unfinished.count) unfinished runs")
            }
            // After SIGKILL: a process crash in the same boot; the session marker left in the runtime directory
            // lets each start skip quick_check. The first start (after the fixture's clean close) is a warm-up.
            let killed = try startups(
                "after SIGKILL", stopSignal: SIGKILL, binary: binary, directory: directory.path, state: state)
            // After a power loss or an OS crash: SIGKILL, and the runtime directory loses the session marker, so
            // every start runs the full quick_check.
            let powerLoss =
                skipPowerLoss
                ? [.nan]
                : try startups(
                    "after power loss", stopSignal: SIGKILL, forgetSession: true, binary: binary,
                    directory: directory.path, state: state)
            // After SIGTERM: each start follows a clean shutdown (the first follows the last SIGKILL: warm-up).
            var stops: [Double] = []
            let clean = try startups(
                "after clean shutdown", stopSignal: SIGTERM, binary: binary, directory: directory.path, state: state,
                stops: &stops)
            let size = (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? Int) ?? 0
            let stopped = stops.map { String(format: "%.0f", $0) }
            print("  ledger file \(size / 1_048_576) MiB; SIGTERM to exit: \(stopped) ms")
            MetricLine.emit("ledger_startup_median", killed[killed.count / 2], "ms")
            MetricLine.emit("ledger_startup_max", killed.last ?? .nan, "ms")
            MetricLine.emit("ledger_startup_after_power_loss_median", powerLoss[powerLoss.count / 2], "ms")
            MetricLine.emit("ledger_startup_after_power_loss_max", powerLoss.last ?? .nan, "ms")
            MetricLine.emit("ledger_startup_clean_median", clean[clean.count / 2], "ms")
            MetricLine.emit("ledger_startup_clean_max", clean.last ?? .nan, "ms")
            MetricLine.emit("ledger_stop_median", stops.isEmpty ? .nan : stops[stops.count / 2], "ms")
            MetricLine.emit("ledger_stop_max", stops.last ?? .nan, "ms")
        }

        /// One uncounted warm-up start, then `repeats` timed starts, each stopped with `stopSignal` (and, with
        /// `forgetSession`, preceded by deleting the session marker); sorted samples.
        private func startups(
            _ label: String, stopSignal: Int32, forgetSession: Bool = false, binary: String, directory: String,
            state: String
        ) throws -> [Double] {
            var ignored: [Double] = []
            return try startups(
                label, stopSignal: stopSignal, forgetSession: forgetSession, binary: binary, directory: directory,
                state: state, stops: &ignored)
        }

        /// The same, also collecting (sorted) the milliseconds from each timed start's `stopSignal` to its exit.
        private func startups(
            _ label: String, stopSignal: Int32, forgetSession: Bool = false, binary: String, directory: String,
            state: String, stops: inout [Double]
        ) throws -> [Double] {
            var samples: [Double] = []
            for attempt in 0...max(1, repeats) {
                let probe = try DaemonStartupProbe(binary: binary, directory: directory, stateDirectory: state)
                if forgetSession { try probe.forgetSessionMarkers() }
                let (millis, stopped) = try probe.startAndStop(stopSignal: stopSignal)
                guard attempt > 0 else { continue }
                samples.append(millis)
                stops.append(stopped)
                stops.sort()
                print(
                    "  start-up \(label) \(attempt): \(String(format: "%.1f", millis)) ms to a socket that answers "
                        + "(integrity_check=\(probe.loggedIntegrityCheck()))")
            }
            return samples.sorted()
        }

        static func siblingBinary(_ name: String) -> String {
            let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            return me.deletingLastPathComponent().appendingPathComponent(name).path
        }
    }
}

/// A fixture ledger of about `events` events: runs of 20 tool round trips with 45 deltas each.
struct LedgerFixtureSpec {
    var events: Int
    var unfinished = 0

    func write(to path: String) async throws -> LedgerFixture.Summary {
        let turns = 20
        let deltas = 45
        let perRun = 2 + turns * (deltas + 5)
        let runs = max(1, (events + perRun - 1) / perRun)
        return try await LedgerFixture.write(
            to: path, runs: runs, turnsPerRun: turns, deltasPerTurn: deltas, unfinishedRuns: min(unfinished, runs))
    }
}

/// A temporary directory (short path: it holds a Unix socket) removed when released.
final class BenchDirectory {
    let path: String

    init() throws {
        path = "/tmp/agentd-bench-" + String(UInt32.random(in: .min ... .max), radix: 36)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
