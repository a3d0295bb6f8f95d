import Foundation

extension DaemonHarness {
    /// Runs `agentctl` with `arguments` to completion, with `input` as its stdin (a pipe, not a terminal).
    func agentctl(_ arguments: [String], stdin input: String, timeout: Duration = .seconds(120)) async throws
        -> CommandResult
    {
        let child = try ChildProcess(
            "/bin/sh", ["-c", #"printf '%s' "$AGENTCTL_STDIN" | agentctl "$@""#, "sh"] + arguments,
            environment: [
                "AGENTD_SOCKET": socket, "AGENTCTL_STDIN": input,
                "PATH": ChildProcess.binDirectory.path + ":/usr/bin:/bin",
            ],
            cwd: workDirectory)
        let status = try await child.waitForExit(timeout: timeout)
        return CommandResult(status: status, stdout: child.stdout, stderr: child.stderr)
    }
}
