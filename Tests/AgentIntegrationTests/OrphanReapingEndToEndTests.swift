import AgentModel
import Foundation
import Testing

/// agentd is a child subreaper: the orphans of a tool call become its children, and it reaps each one that exits
/// (issue 14 item 4), while the exit codes its tool calls report stay right.
///
/// End to end on purpose: the reaper is process-wide, so it runs in a real agentd, never in the test process
/// (where it would take the exit statuses of the other tests' children).
@Suite(.serialized)
struct OrphanReapingEndToEndTests {
    // Without the sandbox, whose own pid 1 would reap these inside its namespace before agentd saw them.
    static let config = """
        [tools]
        sandbox = "none"
        """

    // The red team's commands, and shells that exit before their background jobs: each leaves children that
    // exit after their parent, re-parented to agentd.
    static let orphaning = [
        "setsid sleep 0.05 &",
        "( (sleep 0.05 &) & )",
        "true | sleep 0.05 &",
        "true & true & true & exec sleep 0.05",
        "for i in 1 2 3 4 5 6 7 8 9 10; do (true &); done; exec sleep 0.05",
        "true & true & exit 7",
    ]

    @Test func orphansOfToolCallsAreReapedAndExitCodesStayRight() async throws {
        let harness = try await DaemonHarness(daemonConfig: Self.config)
        defer { Task { await harness.stop() } }
        let script = Self.orphaning.map { command in
            let arguments = String(data: try! JSONSerialization.data(withJSONObject: ["cmd": command]), encoding: .utf8)!
            return "call shell \(arguments)"
        }.joined(separator: "\n")

        let run = try await harness.agentctl(["start", "--model", "emu-script", script + "\nsay done"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let runID = try #require(run.stderr.first { $0.hasPrefix("run run_") }?.split(separator: " ")[1])
        let export = try await harness.agentctl(["export", String(runID)])
        let exits = try export.stdout.map { try JSONCoding.decode(LedgerEvent.self, from: $0) }
            .filter { $0.type == ToolEventType.finished }
            .map { try JSONCoding.decode(ToolFinished.self, from: $0.payload).exitCode }
        #expect(exits == [0, 0, 0, 0, 0, 7])

        // Every orphan has exited by now or will within its 50 ms sleep: none may stay a zombie of agentd.
        let pid = harness.daemon.pid
        var zombies: [String] = []
        for _ in 0..<100 {
            zombies = Self.zombieChildren(of: pid)
            if zombies.isEmpty { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(zombies.isEmpty, "zombie children of agentd: \(zombies)")
    }

    /// The children of `pid` (from every thread's `children` file) that are zombies.
    static func zombieChildren(of pid: Int32) -> [String] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        let children = tasks.flatMap { task in
            ((try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? "")
                .split(separator: " ").map(String.init)
        }
        return children.filter { child in
            let stat = (try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8)) ?? ""
            guard let close = stat.lastIndex(of: ")") else { return false }
            return stat[stat.index(after: close)...].split(separator: " ").first == "Z"
        }
    }
}
