import AgentModel
import ArgumentParser

/// agentctl's exit codes, in one place.
enum ExitCodes {
    static let failed = ExitCode(1)
    static let stopped = ExitCode(2)
    /// agentd is not reachable, or went away while a run was followed.
    static let unreachable = ExitCode(3)
    static let refused = ExitCode(4)
    /// The person pressed Ctrl-C while following a run: agentctl detached, the run goes on (128 + SIGINT).
    static let detached = ExitCode(130)
    /// The command line was wrong or ambiguous (ArgumentParser's own usage errors use the same code).
    static let usage = ExitCode.validationFailure

    /// The exit code that reports a run's final status.
    static func forRun(_ status: RunStatus) -> ExitCode {
        switch status {
        case .completed: .success
        case .failed: failed
        case .cancelled, .interrupted, .awaitingApproval, .running, .idle: stopped
        }
    }
}
