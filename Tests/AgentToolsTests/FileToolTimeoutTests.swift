import AgentModel
import Foundation
import Synchronization
import Testing

@testable import AgentTools

/// File tools run under `tools.timeout_ms` and on threads of their own: a catastrophic regular expression ends
/// as a timeout (never a false "[no matches]") and never holds the cooperative pool the control socket needs.
@Suite("FileToolTimeout")
struct FileToolTimeoutTests {
    /// Exponential backtracking for ICU's engine on a line of `a`s without an `x`.
    static let catastrophic = "(.*a){20}x"

    static func workspace() throws -> Sandbox {
        let box = try Sandbox()
        try box.write("a.txt", String(repeating: "a", count: 40) + "\n")
        return box
    }

    @Test func aCatastrophicPatternTimesOutInsteadOfFindingNothing() async throws {
        let box = try Self.workspace()
        defer { box.remove() }
        var limits = fastLimits
        limits.defaultTimeout = .milliseconds(300)
        let outcome = await box.call("search", ["pattern": .string(Self.catastrophic)], limits: limits)
        #expect(outcome.timedOut)
        #expect(outcome.exitCode == nil)
        #expect(!outcome.output.contains("[no matches]"))
    }

    @Test func runningFileToolsLeaveTheCooperativePoolFree() async throws {
        let box = try Self.workspace()
        defer { box.remove() }
        var longTimeout = fastLimits
        longTimeout.defaultTimeout = .seconds(600)
        let limits = longTimeout
        // More calls than the pool has threads (one per core): on the pool they would hold all of them.
        let count = ProcessInfo.processInfo.activeProcessorCount * 2 + 1
        let finished = Finished()
        let calls = (0..<count).map { _ in
            Task {
                let outcome = await box.call("search", ["pattern": .string(Self.catastrophic)], limits: limits)
                finished.count.add(1, ordering: .relaxed)
                return outcome
            }
        }
        // Runs only when a pool thread is free.
        let answered = await Task.detached { finished.count.load(ordering: .relaxed) }.value
        #expect(answered == 0)
        for call in calls { call.cancel() }
        var outcomes: [ToolOutcome] = []
        for call in calls { outcomes.append(await call.value) }
        // Cancelled calls stop (the backtracking included) and say so.
        #expect(outcomes.allSatisfy { $0.exitCode == nil && !$0.timedOut && !$0.output.contains("[no matches]") })
    }
}

/// Calls that have returned.
private final class Finished: Sendable {
    let count = Atomic(0)
}
