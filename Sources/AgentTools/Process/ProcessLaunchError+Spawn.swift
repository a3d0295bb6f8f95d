import CAgentSupport
import Glibc

extension ProcessLaunchError {
    /// The error for an `agent_spawn` failure: which step of starting the child failed, and its errno.
    init(failedStep: Int32, errno: Int32, executable: String) {
        let reason = String(cString: strerror(errno))
        switch Int(failedStep) {
        case Int(AGENT_SPAWN_STEP_RLIMIT):
            self.init(code: .resourceLimitsFailed, message: "setrlimit in the child: \(reason)")
        case Int(AGENT_SPAWN_STEP_CHDIR):
            self.init(code: .workingDirectoryMissing, message: "cannot enter the working directory: \(reason)")
        case Int(AGENT_SPAWN_STEP_EXEC):
            self.init(code: .spawnFailed, message: "execve \(executable): \(reason)")
        case Int(AGENT_SPAWN_STEP_CLONE):
            self.init(code: .spawnFailed, message: "cannot create a process: \(reason)")
        default:
            self.init(code: .spawnFailed, message: "cannot prepare the child process: \(reason)")
        }
    }
}
