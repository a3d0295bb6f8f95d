import Foundation
import Glibc
import Testing

@testable import AgentTools

/// Per-call cgroups kept for reuse are removed when the daemon exits, not left behind as folders.
@Suite("ToolCgroupPool")
struct ToolCgroupPoolTests {
    static var delegatedBase: String? { try? CgroupDelegation.detected.get() }

    @Test(.enabled(if: delegatedBase != nil, "skipped: this machine delegates no cgroup v2 to this process"))
    func idleGroupsAreRemovedAtExit() async throws {
        let base = try #require(Self.delegatedBase)
        // A pool of its own, so calls of other suites running now cannot add or take groups.
        let pool = ToolCgroupPool()
        let groups = (0..<3).compactMap { _ in pool.acquire(under: base) }
        #expect(groups.count == 3)
        for group in groups { pool.release(group) }
        let kept = groups.map(\.path).filter { FileManager.default.fileExists(atPath: $0) }
        #expect(kept.count == 3)

        pool.removeIdle()

        let left = groups.map(\.path).filter { FileManager.default.fileExists(atPath: $0) }
        #expect(left == [])
    }
}
