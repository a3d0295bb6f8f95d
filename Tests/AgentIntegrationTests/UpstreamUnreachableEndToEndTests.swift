import AgentModel
import Foundation
import Testing

/// An upstream that stops answering (issue 13 item 7): `agentctl status` names the URL (never the key), each
/// connection's state and its last error in words, and a foreground run says it waits, why and when it tries again.
@Suite(.serialized)
struct UpstreamUnreachableEndToEndTests {
    @Test func statusAndAForegroundRunSayWhatTheRunWaitsFor() async throws {
        let harness = try await DaemonHarness(
            daemonConfig: """
                [upstream]
                transport = "websocket"
                connect_timeout_ms = 3000
                reconnect_backoff_base_ms = 200
                reconnect_backoff_max_ms = 400
                [run]
                max_turn_attempts = 2
                """)
        defer { Task { await harness.stop() } }
        _ = try await harness.daemon.waitForLine { $0.contains("upstream connection open") }
        // Gone for good: its port now refuses connections.
        harness.emulator.signal(SIGKILL)
        _ = try await harness.emulator.waitForExit(timeout: .seconds(10))
        let hostPort = try #require(URL(string: harness.emulatorURL).map { "\($0.host ?? ""):\($0.port ?? 0)" })

        let refused = "cannot connect to \(hostPort): connection refused"
        var shown = try await harness.agentctl(["status"])
        let deadline = ContinuousClock.now + .seconds(30)
        while !shown.stdout.contains(where: { $0.contains(refused) }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            shown = try await harness.agentctl(["status"])
        }
        #expect(shown.status == 0)
        #expect(
            shown.stdout.contains { $0.hasPrefix("upstream") && $0.contains(hostPort) && $0.hasSuffix("over websocket") },
            "status: \(shown.stdout)")
        #expect(shown.stdout.contains { $0.contains(refused) }, "status: \(shown.stdout)")
        #expect(shown.stdout.contains { $0.contains("backoff") || $0.contains("connecting") })
        #expect(!shown.stdout.joined().contains(DaemonHarness.apiKey))
        #expect(!shown.stdout.joined().contains("errno"))

        let run = try await harness.agentctl(["start", "--model", "emu-text", "hello"], timeout: .seconds(60))
        #expect(run.status != 0)
        // While the lease waits (long before the 3 s connect timeout): what the run waits for and the next try.
        #expect(
            run.stderr.contains {
                $0.hasPrefix("(upstream: no_connection: retrying in ") && $0.contains(", attempt 1: no connection to ")
                    && $0.contains(hostPort) && $0.contains("connection refused")
            }, "stderr: \(run.stderr)")
        // The first failed attempt is announced with its backoff (250 ms for attempt 1), what failed and why.
        #expect(
            run.stderr.contains {
                $0.hasPrefix("(upstream: connect_failed: retrying in 0.") && $0.contains(", attempt 1: no connection to ")
                    && $0.contains(hostPort) && $0.contains("connection refused")
            }, "stderr: \(run.stderr)")
    }
}
