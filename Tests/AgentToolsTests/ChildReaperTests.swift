import CAgentSupport
import Foundation
import Glibc
import Testing

@testable import AgentTools

/// The daemon is a child subreaper: every orphan of a tool call becomes its child, and ``ChildReaper`` reaps it
/// once it exits, without taking the statuses the supervisors wait for.
///
/// This test process plays the daemon: it becomes a subreaper and starts the process-wide reaper, as agentd does
/// at start-up (both only add reaping of this process's own orphans; other suites' calls are unaffected).
@Suite("ChildReaper", .serialized)
struct ChildReaperTests {
    init() throws {
        #expect(agent_set_child_subreaper() == 0)
        try ChildReaper.shared.start()
    }

    /// Exited children of this process that no supervisor owns (the ones nobody else would ever reap).
    static func unownedZombies() -> [pid_t] {
        ChildReaper.children().filter { processStatus($0)?.state == "Z" && !ChildReaper.shared.owns($0) }
    }

    // The red team's commands, and shells that exit before their background jobs (`exec` into a program that
    // never reaps): each leaves children that exit after their parent, re-parented to the subreaper.
    static let orphaning = [
        "setsid sleep 0.05 &",
        "( (sleep 0.05 &) & )",
        "true | sleep 0.05 &",
        "true & true & true & exec sleep 0.05",
        "for i in 1 2 3 4 5 6 7 8 9 10; do (true &); done; exec sleep 0.05",
    ]

    @Test func orphansOfToolCallsAreReaped() async throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runner = ProcessRunner(containment: .markerSweep)
        for command in Self.orphaning {
            let result = try await runner.run(request(command, cwd: dir))
            #expect(result.termination == .exited(0), "\(command)")
        }
        let reaped = await eventually(within: .seconds(10)) { Self.unownedZombies().isEmpty }
        #expect(reaped, "zombies left: \(Self.unownedZombies())")
    }

    @Test func supervisedExitCodesSurviveTheReaper() async throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runner = ProcessRunner(containment: .markerSweep)
        // Many calls at once, each orphaning children (SIGCHLD storms) while its own status is in flight.
        let codes = try await withThrowingTaskGroup(of: (Int32, Termination).self) { group in
            for code in Int32(1)...40 {
                group.addTask {
                    let result = try await runner.run(request("true & true & exit \(code)", cwd: dir))
                    return (code, result.termination)
                }
            }
            var codes: [Int32: Termination] = [:]
            for try await (code, termination) in group { codes[code] = termination }
            return codes
        }
        let expected = Dictionary(uniqueKeysWithValues: (Int32(1)...40).map { ($0, Termination.exited($0)) })
        #expect(codes == expected)
        let reaped = await eventually(within: .seconds(10)) { Self.unownedZombies().isEmpty }
        #expect(reaped, "zombies left: \(Self.unownedZombies())")
    }
}
