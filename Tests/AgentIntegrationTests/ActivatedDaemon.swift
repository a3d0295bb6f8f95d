import Foundation
import TestSupport

/// agentd started the way systemd starts it on socket activation: an already listening socket as descriptor 3,
/// `LISTEN_FDS=1` and `LISTEN_PID` naming the daemon's own pid. stdout and stderr go to a log file.
///
/// Foundation's `Process` closes every descriptor above 2, so this spawns with `posix_spawn` file actions.
final class ActivatedDaemon: Sendable {
    let pid: pid_t
    let logPath: String

    /// Spawns agentd with `listeningSocket` as descriptor 3.
    init(listeningSocket: Int32, arguments: [String], environment: [String: String], logPath: String) throws {
        self.logPath = logPath
        let agentd = ChildProcess.binDirectory.appendingPathComponent("agentd").path
        // LISTEN_PID must be the daemon's pid, known only once it exists: the shell exports its own ($$) and execs
        // agentd, which keeps that pid.
        let argv = ["/bin/sh", "-c", #"LISTEN_PID=$$ exec "$0" "$@""#, agentd] + arguments
        var env = ProcessInfo.processInfo.environment
        for name in ["OPENAI_API_KEY", "OPENAI_BASE_URL", "AGENTD_SOCKET", "LISTEN_PID", "NOTIFY_SOCKET"] {
            env.removeValue(forKey: name)
        }
        env["LISTEN_FDS"] = "1"
        env["LISTEN_FDNAMES"] = "control"
        for (key, value) in environment { env[key] = value }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // dup2 onto 3 also clears close-on-exec on the copy (glibc clears it when the descriptors are equal too).
        posix_spawn_file_actions_adddup2(&actions, listeningSocket, 3)

        var cArgs = argv.map { strdup($0) } + [nil]
        var cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in cArgs { free(pointer) }
            for pointer in cEnv { free(pointer) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, "/bin/sh", &actions, nil, &cArgs, &cEnv)
        guard result == 0 else { throw HarnessError("posix_spawn failed: \(String(cString: strerror(result)))") }
        pid = child
    }

    /// Everything agentd wrote so far.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func signal(_ signal: Int32) { kill(pid, signal) }

    /// Waits for agentd to exit and returns its exit status (128 + N for a signal); at the deadline kills it and fails.
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let pid = self.pid
        do {
            return try await withTimeout(timeout, "agentd (socket-activated) to exit") {
                await withCheckedContinuation { continuation in
                    // A thread of its own: a blocking wait on Dispatch's small global pool starves other tests.
                    Thread {
                        var status: Int32 = 0
                        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                        let exited = status & 0x7f == 0
                        continuation.resume(returning: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f))
                    }.start()
                }
            }
        } catch let timeout as TestTimeout {
            kill(pid, SIGKILL)
            throw HarnessError("\(timeout); killed it; log:\n\(log)")
        }
    }

    /// Creates, binds and listens on a Unix stream socket at `path` (what a socket unit does).
    static func listeningSocket(path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard fd >= 0, bound == 0, chmod(path, 0o600) == 0, listen(fd, 64) == 0 else {
            throw HarnessError("cannot listen on \(path): errno \(errno)")
        }
        return fd
    }
}
