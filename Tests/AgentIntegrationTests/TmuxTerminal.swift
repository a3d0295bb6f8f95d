import AgentModel
import Foundation
import TestSupport

/// A real pseudo-terminal: a private tmux server running one shell, driven with `send-keys` and read with
/// `capture-pane` (what a person would see on a 120×40 terminal).
final class TmuxTerminal: Sendable {
    /// The tmux server's own socket name (`-L`), so tests never touch a user's tmux.
    let server: String

    /// Starts a shell in `cwd` with `environment`, its prompt `$ `, on a `width`×`height` terminal.
    init(cwd: String, environment: [String: String], width: Int = 120, height: Int = 40) async throws {
        server = "agentd-test-" + String(UInt32.random(in: .min ... .max), radix: 36)
        let variables = environment.merging(["PS1": "$ ", "TERM": "xterm-256color"]) { given, _ in given }
            .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        // `env -i`: nothing from the test runner's environment (NO_COLOR, a different LANG) leaks into the screen.
        let shell = (["env", "-i"] + variables.map(Self.quoted) + ["bash", "--norc", "--noprofile"]).joined(separator: " ")
        try await tmux(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-c", cwd, shell])
        // Typed before the shell is ready, keys are echoed by the terminal and then again by the shell.
        try await waitForScreen(timeout: .seconds(30), "the shell prompt") { $0 == "$" }
    }

    /// Types `text` literally, then Enter.
    func typeLine(_ text: String) async throws {
        try await tmux(["send-keys", "-t", "0", "-l", text])
        try await tmux(["send-keys", "-t", "0", "Enter"])
    }

    /// Presses one key (tmux key name or a character).
    func press(_ key: String) async throws {
        try await tmux(["send-keys", "-t", "0", key])
    }

    /// The visible screen, trailing blank lines removed.
    func screen() async throws -> String {
        let text = try await tmux(["capture-pane", "-p", "-t", "0"])
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0.reversed().drop { $0 == " " }.reversed())
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    /// Polls the screen until `condition` holds; fails with the last screen after `timeout`.
    @discardableResult
    func waitForScreen(timeout: Duration = .seconds(60), _ what: String, _ condition: (String) -> Bool) async throws
        -> String
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            let current = try await screen()
            if condition(current) { return current }
            guard ContinuousClock.now < deadline else {
                throw HarnessError("timed out after \(timeout) waiting for \(what); the screen:\n\(current)")
            }
            // Screen content has no change notification; poll at 20 Hz until the deadline.
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Stops the tmux server (and the shell in it).
    func close() async {
        _ = try? await tmux(["kill-server"])
    }

    @discardableResult
    private func tmux(_ arguments: [String]) async throws -> String {
        // A file, not a pipe: the tmux server forks from the first client and would hold a pipe open forever.
        let outputPath = NSTemporaryDirectory() + server + "-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let argv = ["tmux", "-u", "-L", server, "-f", "/dev/null"] + arguments
        let client = SharedMutex<pid_t>(0)
        let status: Int32
        do {
            status = try await withTimeout(.seconds(30), "tmux \(arguments.first ?? "")") {
                await withCheckedContinuation { continuation in
                    // posix_spawn and a blocking waitpid on a thread of its own (Foundation's Process was seen to
                    // miss the exit of tmux's short-lived client).
                    Thread {
                        continuation.resume(
                            returning: Self.spawnAndWait(argv, outputPath: outputPath) { client.exchange($0) })
                    }.start()
                }
            }
        } catch let timeout as TestTimeout {
            let pid = client.current
            if pid > 0 { kill(pid, SIGKILL) }
            throw HarnessError("\(timeout); killed the tmux client")
        }
        let text = String(decoding: FileManager.default.contents(atPath: outputPath) ?? Data(), as: UTF8.self)
        guard status == 0 else {
            throw HarnessError("tmux \(arguments.first ?? "") failed (status \(status)): \(text)")
        }
        return text
    }

    /// Runs `argv` (found on PATH) with stdout and stderr to `outputPath`; returns its exit status (-1: no start).
    private static func spawnAndWait(_ argv: [String], outputPath: String, started: (pid_t) -> Void) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // The spawning thread blocks signals (the Swift runtime's threads do); a tmux server inheriting that mask
        // would never handle SIGCHLD or SIGTERM, and would outlive `kill-server`.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        guard posix_spawnp(&pid, argv[0], &actions, &attributes, cArguments, environ) == 0 else { return -1 }
        started(pid)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, spelled out (the C macros are not imported).
        return status & 0x7f == 0 ? (status >> 8) & 0xff : -1
    }

    private static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
