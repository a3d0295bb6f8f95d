import Foundation
import Testing

/// SIGHUP re-reads the configuration: live keys apply without dropping runs, restart-only keys are named, and a
/// broken file changes nothing.
@Suite(.serialized)
struct ConfigReloadTests {
    @Test func reloadAppliesLiveKeysAndNamesRestartKeysWhileARunContinues() async throws {
        let harness = try await DaemonHarness(daemonConfig: "[daemon]\nlog_level = \"info\"\n")
        defer { Task { await harness.stop() } }
        let (id, watcher) = try await harness.startRunInFlight()

        // At info, a client connecting logs nothing at debug level.
        #expect(!harness.daemon.stderr.contains { $0.contains(" debug ") })
        try "[daemon]\nlog_level = \"debug\"\n[run]\nmodel = \"emu-text\"\n[upstream]\nconnections = 3\nlanes_per_connection = 8\n"
            .write(toFile: harness.directory + "/agentd.toml", atomically: true, encoding: .utf8)
        harness.daemon.signal(SIGHUP)
        let reloaded = try await harness.daemon.waitForLine { $0.contains("configuration reloaded") }
        #expect(reloaded.contains("config.applied=daemon.log_level,run.model,upstream.connections"))
        #expect(reloaded.contains("config.restart_needed=upstream.lanes_per_connection"))
        let warning = try await harness.daemon.waitForLine { $0.contains("take effect only after a restart") }
        #expect(warning.hasSuffix("changed keys that take effect only after a restart: upstream.lanes_per_connection config.file=\(harness.directory)/agentd.toml"))
        // The third connection opens without a restart.
        _ = try await harness.daemon.waitForLine { $0.contains("upstream connection open") && $0.contains("upstream.conn=2 ") }

        // The new default model applies to the next run (the built-in default is unknown to the emulator), and the
        // new log level shows debug lines.
        let next = try await harness.agentctl(["start", "hello after the reload"])
        #expect(next.status == 0, "start: \(next.stderr)")
        #expect(next.stdout.contains { $0.contains("You said: hello after the reload") })
        _ = try await harness.daemon.waitForLine { $0.contains(" debug ") && $0.contains("client connected") }

        // The run that was in flight during the reload finished with every tool output.
        #expect(try await watcher.waitForExit() == 0)
        let run = try await harness.runInFlightCompleted(id)
        #expect(run.withEveryOutput, "run: \(run.shown)")
        #expect(harness.daemon.process.isRunning)
    }

    @Test func aBrokenFileIsRefusedWithItsLineAndTheDaemonKeepsItsConfiguration() async throws {
        let harness = try await DaemonHarness(daemonConfig: "[run]\nmodel = \"emu-text\"\n")
        defer { Task { await harness.stop() } }
        let path = harness.directory + "/agentd.toml"
        try "[run]\nmodel = 5\n[tools]\nbogus = 1\n".write(toFile: path, atomically: true, encoding: .utf8)
        harness.daemon.signal(SIGHUP)
        _ = try await harness.daemon.waitForLine { $0.contains("configuration reload refused") }
        let errors = harness.daemon.stderr.filter { $0.contains("reload: ") }.map { line in
            String(line[line.range(of: "reload: ")!.upperBound...])
        }
        #expect(
            errors == [
                "\(path):2: run.model: must be a string, got a integer",
                "\(path):4: tools.bogus: unknown key (see config/agentd.toml for the keys of [tools])",
            ])

        // Still serving, with the model of the configuration it had.
        let run = try await harness.agentctl(["start", "still here"])
        #expect(run.status == 0, "start: \(run.stderr)")
        #expect(run.stdout.contains { $0.contains("You said: still here") })
        #expect(harness.daemon.process.isRunning)
    }
}
