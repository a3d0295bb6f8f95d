import Foundation
import Testing

/// `upstream.connections` changed on SIGHUP: the WebSocket pool shrinks at a turn boundary without losing the run
/// in flight, and grows again, all without a restart.
@Suite(.serialized)
struct UpstreamConnectionsReloadTests {
    private func status(_ harness: DaemonHarness) async throws -> [[String: Any]] {
        let shown = try await harness.agentctl(["status", "--json"])
        let status = try JSONSerialization.jsonObject(with: Data(shown.stdout.joined().utf8)) as? [String: Any]
        let upstream = status?["upstream"] as? [String: Any]
        return upstream?["connections"] as? [[String: Any]] ?? []
    }

    private func reload(_ harness: DaemonHarness, connections: Int) throws {
        try "[upstream]\nconnections = \(connections)\n"
            .write(toFile: harness.directory + "/agentd.toml", atomically: true, encoding: .utf8)
        harness.daemon.signal(SIGHUP)
    }

    @Test func shrinkingDrainsConnectionsAtATurnBoundaryAndGrowingOpensThem() async throws {
        let harness = try await DaemonHarness(daemonConfig: "[upstream]\nconnections = 3\n")
        defer { Task { await harness.stop() } }
        for c in 0..<3 {
            _ = try await harness.daemon.waitForLine {
                $0.contains("upstream connection open") && $0.contains("upstream.conn=\(c) ")
            }
        }
        let (id, watcher) = try await harness.startRunInFlight()

        try reload(harness, connections: 1)
        let reloaded = try await harness.daemon.waitForLine { $0.contains("configuration reloaded") }
        #expect(reloaded.contains("config.applied=upstream.connections"))
        #expect(!harness.daemon.stderr.contains { $0.contains("take effect only after a restart") })
        // Both removed connections close as planned (the run's lane, if it was on one, moves at its next turn).
        for c in 1..<3 {
            let closed = try await harness.daemon.waitForLine {
                $0.contains("upstream connection closed") && $0.contains("upstream.conn=\(c) ")
            }
            #expect(closed.contains("upstream.planned=true"), "\(closed)")
        }
        // The run that was in flight finishes with every tool output.
        #expect(try await watcher.waitForExit() == 0)
        let run = try await harness.runInFlightCompleted(id)
        #expect(run.withEveryOutput, "run: \(run.shown)")
        let afterShrink = try await status(harness).compactMap { ($0["id"] as? NSNumber)?.intValue }
        #expect(afterShrink == [0])

        // Growing again reopens slot 1 (its second connection) and lists two connections.
        try reload(harness, connections: 2)
        let reopened = try await harness.daemon.waitForLine {
            $0.contains("upstream connection open") && $0.contains("upstream.conn=1 ") && $0.contains("upstream.reconnects=1")
        }
        #expect(reopened.contains("upstream.conn=1 "))
        let afterGrow = try await status(harness).compactMap { ($0["id"] as? NSNumber)?.intValue }
        #expect(afterGrow == [0, 1])
        let next = try await harness.agentctl(["start", "--model", "emu-text", "hello after growing"])
        #expect(next.status == 0, "start: \(next.stderr)")
        #expect(harness.daemon.process.isRunning)
    }
}
