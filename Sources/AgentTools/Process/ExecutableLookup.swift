import Glibc

/// Finds the program of an argv request the way `execvp` would, but in the child's `PATH`, not the daemon's.
enum ExecutableLookup {
    /// The path to execute: the shell for a shell command; for an argv, its first element when it contains a `/`
    /// (relative ones are taken from the working directory), else the first executable file of that name in the
    /// request environment's `PATH`.
    static func program(for request: ProcessRequest) throws(ProcessLaunchError) -> String {
        guard let argv = request.argv else { return ProcessRunner.shellPath }
        guard let name = argv.first, !name.isEmpty else {
            throw ProcessLaunchError(code: .invalidRequest, message: "the argv is empty")
        }
        if name.contains("/") {
            let path = name.hasPrefix("/") ? name : request.workingDirectory + "/" + name
            guard isExecutableFile(path) else {
                throw ProcessLaunchError(code: .programNotFound, message: "'\(name)' is not an executable file")
            }
            return path
        }
        let search = request.environment["PATH"] ?? EnvironmentPolicy.defaultPath
        for directory in search.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = directory.hasSuffix("/") ? "\(directory)\(name)" : "\(directory)/\(name)"
            if isExecutableFile(candidate) { return candidate }
        }
        throw ProcessLaunchError(code: .programNotFound, message: "'\(name)' was not found in PATH (\(search))")
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && access(path, X_OK) == 0
    }
}
