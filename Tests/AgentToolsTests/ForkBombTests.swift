import Foundation
import Glibc
import Testing

@testable import AgentTools

/// A fork bomb is stopped by the process limit (`RLIMIT_NPROC`) and nothing of it survives the call.
@Suite("ForkBomb")
struct ForkBombTests {
    // The kernel ignores RLIMIT_NPROC for uid 0 (and with CAP_SYS_RESOURCE): as root the bomb would only be
    // stopped by the timeout, after exhausting the machine's pids. So as root (CI) the bomb itself runs as
    // `nobody` through setpriv, under the limit the runner set on the spawned shell.
    static let bombUID: uid_t = geteuid() == 0 ? 65534 : getuid()
    static let setprivAvailable = geteuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")

    @Test(.enabled(if: setprivAvailable, "running as root needs /usr/bin/setpriv to drop to an ordinary uid"))
    func forkBombIsStoppedByTheProcessLimit() async throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let before = processes(of: Self.bombUID)
        let script = "f() { f | f & }; f; sleep 3"
        let command = geteuid() == 0
            ? "exec /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups /bin/sh -c '\(script)'"
            : script
        var bomb = request(command, cwd: dir, timeout: .seconds(3))
        // RLIMIT_NPROC counts every process of the user: leave room for 64 more.
        bomb.resourceLimits = ResourceLimits(processes: UInt64(before + 64))
        let result = try await ProcessRunner(containment: .markerSweep).run(bomb)
        let stderr = String(decoding: result.stderr.head, as: UTF8.self)
        #expect(stderr.localizedCaseInsensitiveContains("fork"))
        let after = processes(of: Self.bombUID)
        #expect(after <= before + 4)
    }

    /// Processes (not threads) owned by `uid`.
    func processes(of uid: uid_t) -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            var info = stat()
            return stat("/proc/\(pid)", &info) == 0 && info.st_uid == uid && isRunning(pid)
        }.count
    }
}
