import Foundation
import Glibc
import Testing

@testable import AgentTools

/// A fork bomb is stopped by the process limit (`RLIMIT_NPROC`) and nothing of it survives the call.
@Suite("ForkBomb")
struct ForkBombTests {
    // The kernel ignores RLIMIT_NPROC for uid 0 (and with CAP_SYS_RESOURCE): as root the bomb would only be
    // stopped by the timeout, after exhausting the machine's pids. Run the suite as an ordinary user.
    static let limitIsEnforced = geteuid() != 0

    @Test(.enabled(if: limitIsEnforced, "RLIMIT_NPROC is not enforced for root; run the tests as an ordinary user"))
    func forkBombIsStoppedByTheProcessLimit() async throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let before = processesOfThisUser()
        var bomb = request("f() { f | f & }; f; sleep 3", cwd: dir, timeout: .seconds(3))
        // RLIMIT_NPROC counts every process of the user: leave room for 64 more.
        bomb.resourceLimits = ResourceLimits(processes: UInt64(before + 64))
        let result = try await ProcessRunner(containment: .markerSweep).run(bomb)
        let stderr = String(decoding: result.stderr.head, as: UTF8.self)
        #expect(stderr.localizedCaseInsensitiveContains("fork"))
        let after = processesOfThisUser()
        #expect(after <= before + 4)
    }

    /// Processes (not threads) whose real uid is this process's.
    func processesOfThisUser() -> Int {
        let uid = getuid()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            var info = stat()
            return stat("/proc/\(pid)", &info) == 0 && info.st_uid == uid && isRunning(pid)
        }.count
    }
}
