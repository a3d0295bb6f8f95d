import AgentProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// Refuses a run's working directory at `run/start` rather than letting every tool call fail to launch in it
/// (issue 13 item 6, issue 14 item 15).
enum WorkingDirectoryCheck {
    /// Why `cwd` cannot be a run's working directory, or nil.
    static func problem(_ cwd: String) -> String? {
        guard cwd.hasPrefix("/") else {
            return "the working directory must be an absolute path, got \"\(cwd)\""
        }
        var info = stat()
        guard stat(cwd, &info) == 0 else {
            return "the working directory \(cwd) cannot be used: \(String(cString: strerror(errno)))"
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { return "the working directory \(cwd) is not a directory" }
        return nil
    }

    /// Throws `-32602` naming the field `cwd` when `cwd` cannot be used.
    static func check(_ cwd: String) throws {
        if let problem = problem(cwd) { throw ControlError.invalidParams(field: "cwd", problem) }
    }
}
