import AgentModel
import Foundation
import Testing

/// agentd as a service: readiness, watchdog and stop notifications, and a clean exit on SIGTERM.
@Suite(.serialized)
struct DaemonLifecycleTests {
    @Test func notifiesSystemdOfReadinessWatchdogAndStopping() async throws {
        let directory = "/tmp/agentd-nt-" + String(UInt32.random(in: .min ... .max), radix: 36)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let notify = try NotifySocket(path: directory + "/notify")
        let emulator = try ChildProcess("responses-emulator", ["--port", "0"])
        let url = try await emulator.waitForLine { $0.hasPrefix("http://") }
        let daemon = try ChildProcess(
            "agentd", ["--socket", directory + "/s.sock", "--state-dir", directory + "/state"],
            environment: ["OPENAI_BASE_URL": url, "NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "400000"])

        try await notify.waitFor("READY=1")
        // Ready means the socket answers.
        let status = try ChildProcess("agentctl", ["status", "--json"], environment: ["AGENTD_SOCKET": directory + "/s.sock"])
        #expect(try await status.waitForExit() == 0)
        try await notify.waitFor("WATCHDOG=1")

        daemon.signal(SIGTERM)
        try await notify.waitFor("STOPPING=1")
        #expect(try await daemon.waitForExit(timeout: .seconds(10)) == 0)
        #expect(!FileManager.default.fileExists(atPath: directory + "/s.sock"))
        // A clean stop is not an error (issue 13 item 10: it logged `upstream.error=CancellationError()`).
        #expect(!daemon.stderr.contains { $0.contains("CancellationError") }, "\(daemon.stderr.suffix(6))")
        emulator.signal(SIGTERM)
        _ = try await emulator.waitForExit()
    }

    @Test func sigtermDuringARunInterruptsItResumably() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        // Six calls of 2 s: a stop aimed at a call in progress lands inside it even on a loaded machine.
        let started = try await harness.agentctl(["start", "--detach", "--json", "--model", "emu-slow-6-2000", "slow steps"])
        #expect(started.status == 0, "start: \(started.stderr) daemon: \(harness.daemon.stderr.suffix(5))")
        let id = try JSONDecoder().decode([String: String].self, from: Data(started.stdout.joined().utf8))["id"] ?? ""

        // Wait until the run is inside a tool call, then stop the daemon: the watcher's newest tool event is a start
        // (its history replays earlier calls first) and the run has not ended.
        let watcher = try ChildProcess("agentctl", ["attach", id, "--json"], environment: ["AGENTD_SOCKET": harness.socket])
        _ = try await watcher.waitForLine { _ in
            let lines = watcher.stdout
            let newestToolEvent = lines.last { $0.contains(#""kind":"tool""#) }
            return newestToolEvent?.contains(#""type":"tool.started""#) == true
                && !lines.contains { $0.contains(#""type":"run.completed""#) }
        }
        let stopRequested = ContinuousClock.now
        harness.daemon.signal(SIGTERM)
        #expect(try await harness.daemon.waitForExit(timeout: .seconds(10)) == 0)
        #expect(ContinuousClock.now - stopRequested < .seconds(5))
        _ = try await watcher.waitForExit()

        // Back up again: the ledger ends with the interruption. The `shell` call the stop killed may have had its
        // effect, so the resumed run asks a person about it (reason uncertain) instead of running it again.
        try await harness.crashAndRestartDaemon()
        let log = try await harness.agentctl(["log", "--json", id])
        #expect(log.stdout.last?.contains(#""type":"run.interrupted""#) == true)
        #expect(!log.stdout.contains { $0.contains("tool.abandoned") })
        let resumed = try await harness.agentctl(["resume", id, "--detach"])
        #expect(resumed.status == 0, "resume: \(resumed.stderr)")
        let follower = try ChildProcess("agentctl", ["attach", id, "--json"], environment: ["AGENTD_SOCKET": harness.socket])
        let asked = try await follower.waitForLine { $0.contains(#""type":"approval.requested""#) }
        follower.signal(SIGTERM)
        _ = try? await follower.waitForExit()
        let request = try JSONCoding.decode(
            ApprovalRequested.self, from: try JSONCoding.decode(LedgerEvent.self, from: asked).payload)
        #expect(request.reason == .uncertain)
        // The call the stop cut short: the last one the ledger shows started (the watcher's first `tool.started`
        // may be an earlier call, replayed from history).
        let killed = try #require(log.stdout.last { $0.contains(#""type":"tool.started""#) })
        let killedCall = try JSONCoding.decode(ToolStarted.self, from: try JSONCoding.decode(LedgerEvent.self, from: killed).payload)
        #expect(request.callID == killedCall.callID)

        // Approved, it runs again and the run finishes with every output in the digest.
        let approved = try await harness.agentctl(["approve", id, request.callID])
        #expect(approved.status == 0, "approve: \(approved.stderr)")
        let finished = try await harness.agentctl(["attach", id], timeout: .seconds(120))
        let digest = try sha256sum((0..<6).map { "step-\($0) \($0 * 7 + 3)\n\n" }.joined())
        #expect(finished.stdout.contains("digest=\(digest)"), "attach stderr: \(finished.stderr); daemon: \(harness.daemon.stderr.suffix(8))")
    }

    @Test func badConfigurationIsRefusedWithEveryProblemAndItsLine() async throws {
        let path = "/tmp/agentd-cfg-" + String(UInt32.random(in: .min ... .max), radix: 36) + ".toml"
        try "[tools]\nconfine_to_workspace = \"yes\"\nbogus = 1\n[upstream]\nconnections = 0\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        // As the README writes it, and with --config: the same problems, in the file's line order.
        let expected = [
            "\(path):2: tools.confine_to_workspace: must be true or false, got a string",
            "\(path):3: tools.bogus: unknown key (see config/agentd.toml for the keys of [tools])",
            "\(path):5: upstream.connections: must be between 1 and 64, got 0",
        ]
        for arguments in [["--check-config", path], ["--check-config", "--config", path]] {
            let check = try ChildProcess("agentd", arguments)
            #expect(try await check.waitForExit() == 78)
            #expect(Array(check.stderr.dropFirst()) == expected, "\(arguments)")
        }

        let reference = try ChildProcess("agentd", ["--check-config", Self.referenceConfig])
        #expect(try await reference.waitForExit() == 0)
    }

    @Test func withoutConfigAgentdReadsTheFileUnderXDGConfigHome() async throws {
        let directory = "/tmp/agentd-xdg-" + String(UInt32.random(in: .min ... .max), radix: 36)
        try FileManager.default.createDirectory(atPath: directory + "/agentd", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/agentd/agentd.toml"
        try "[daemon]\nlog_levle = \"debug\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        let check = try ChildProcess("agentd", ["--check-config"], environment: ["XDG_CONFIG_HOME": directory])
        #expect(try await check.waitForExit() == 78)
        #expect(
            Array(check.stderr.dropFirst()) == [
                "\(path):2: daemon.log_levle: unknown key; did you mean \"log_level\"? (see config/agentd.toml for the "
                    + "keys of [daemon])"
            ])
    }

    /// The shipped, commented reference configuration.
    static let referenceConfig = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../config/agentd.toml").standardizedFileURL.path
}
