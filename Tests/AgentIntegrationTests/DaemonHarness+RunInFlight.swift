import Foundation

/// A run kept in flight while a test changes the daemon (a SIGHUP reload): six shell calls of `emu-slow-6-150`.
extension DaemonHarness {
    /// Starts the run detached and returns its id, and a watcher attached to it, once its first tool call started.
    func startRunInFlight() async throws -> (id: String, watcher: ChildProcess) {
        let started = try await agentctl(["start", "--detach", "--json", "--model", "emu-slow-6-150", "steps"])
        let fields = try? JSONDecoder().decode([String: String].self, from: Data(started.stdout.joined().utf8))
        guard started.status == 0, let id = fields?["id"] else { throw HarnessError("start: \(started.stderr)") }
        let watcher = try ChildProcess("agentctl", ["attach", id, "--json"], environment: ["AGENTD_SOCKET": socket])
        _ = try await watcher.waitForLine { $0.contains(#""type":"tool.started""#) }
        return (id, watcher)
    }

    /// Whether run `id` from ``startRunInFlight()`` completed with every tool output (the digest of all six in its
    /// answer), and the run as `agentctl show --json` printed it.
    func runInFlightCompleted(_ id: String) async throws -> (withEveryOutput: Bool, shown: [String]) {
        let shown = try await agentctl(["show", id, "--json"])
        let run = try JSONSerialization.jsonObject(with: Data(shown.stdout.joined().utf8)) as? [String: Any]
        let digest = try toolLoopDigest(steps: 6)
        let answer = run?["output_text"] as? String ?? ""
        return (run?["status"] as? String == "completed" && answer.contains("digest=\(digest)"), shown.stdout)
    }
}
