import AgentTools
import Foundation
import Glibc

/// A launched MCP server: the process and the parent's ends of its stdin and stdout pipes.
struct MCPChildProcess: @unchecked Sendable {
    let process: Process
    /// The parent's read end of the child's stdout.
    let readFD: Int32
    /// The parent's write end of the child's stdin.
    let writeFD: Int32

    /// Starts `spec`'s command with `environment`; `onExit` gets the exit status (or signal) once it exits.
    static func launch(
        _ spec: MCPServerSpec, environment: [String: String],
        onExit: @escaping @Sendable (Int32) -> Void
    ) throws -> MCPChildProcess {
        guard let executable = resolve(spec.command, path: environment["PATH"]) else {
            throw MCPServerError("command '\(spec.command)' of MCP server '\(spec.name)' was not found")
        }
        var toChild: [Int32] = [0, 0]
        var fromChild: [Int32] = [0, 0]
        guard makePipe(&toChild) else {
            throw MCPServerError("pipe: \(String(cString: strerror(errno)))")
        }
        guard makePipe(&fromChild) else {
            close(toChild[0])
            close(toChild[1])
            throw MCPServerError("pipe: \(String(cString: strerror(errno)))")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = spec.args
        process.environment = environment
        process.standardInput = FileHandle(fileDescriptor: toChild[0], closeOnDealloc: false)
        process.standardOutput = FileHandle(fileDescriptor: fromChild[1], closeOnDealloc: false)
        // Owned in the daemon's orphan reaper from before the fork until Foundation has reaped it, so the reaper
        // never takes its exit status.
        process.terminationHandler = { process in
            ChildReaper.shared.release(process.processIdentifier)
            onExit(process.terminationStatus)
        }
        do {
            _ = try ChildReaper.shared.spawnOwned { () throws -> pid_t in
                try process.run()
                return process.processIdentifier
            }
        } catch {
            for fd in toChild + fromChild { close(fd) }
            throw MCPServerError("cannot start MCP server '\(spec.name)' (\(executable)): \(error)")
        }
        close(toChild[0])
        close(fromChild[1])
        return MCPChildProcess(process: process, readFD: fromChild[0], writeFD: toChild[1])
    }

    /// A pipe whose ends close on exec (Glibc does not export `pipe2` to Swift, so the flag is set just after).
    private static func makePipe(_ fds: inout [Int32]) -> Bool {
        guard pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }

    /// Asks the server to stop (SIGTERM); its exit is reported through `onExit`.
    func terminate() {
        if process.isRunning { process.terminate() }
    }

    /// `command` itself when it holds a `/`, else the first executable match in `path`.
    static func resolve(_ command: String, path: String?) -> String? {
        if command.contains("/") { return access(command, X_OK) == 0 ? command : nil }
        let directories = (path ?? EnvironmentPolicy.defaultPath).split(separator: ":").map(String.init)
        return directories.map { $0 + "/" + command }.first { access($0, X_OK) == 0 }
    }
}
