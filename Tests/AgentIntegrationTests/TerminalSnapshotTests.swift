import Foundation
import Testing

/// `agentctl start` and `agentctl attach` on a real terminal (tmux) against a real agentd and emulator: the
/// rendered screen, with run ids, call ids, uids, pids, terminals and durations normalized, matches a snapshot.
@Suite(.serialized)
struct TerminalSnapshotTests {
    /// Runs `body` with a daemon and a terminal whose shell talks to it; stops both however `body` ends.
    func withTerminal(_ body: (DaemonHarness, TmuxTerminal) async throws -> Void) async throws {
        let harness = try await DaemonHarness()
        do {
            let terminal = try await TmuxTerminal(cwd: harness.workDirectory, environment: Self.environment(harness))
            do {
                try await body(harness, terminal)
            } catch {
                await terminal.close()
                throw error
            }
            await terminal.close()
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    /// The environment of a terminal's shell: agentctl on the PATH, talking to `harness`'s agentd.
    static func environment(_ harness: DaemonHarness) -> [String: String] {
        [
            "PATH": ChildProcess.binDirectory.path + ":/usr/bin:/bin", "AGENTD_SOCKET": harness.socket,
            "LANG": "C.UTF-8", "HOME": harness.directory,
        ]
    }

    @Test func startStreamsToolLinesAndAsksForApproval() async throws {
        try await withTerminal { _, terminal in

        try await terminal.typeLine("agentctl start --require-approval shell --model emu-tools-2 'two steps'")
        for step in 0..<2 {
            try await terminal.waitForScreen("approval prompt \(step)") {
                $0.contains("? approve shell: echo step-\(step)") && $0.hasSuffix("[a]lways for this tool:")
            }
            try await terminal.press("y")
        }
        let screen = try await terminal.waitForScreen("the end of the run") { $0.contains("digest=") && $0.hasSuffix("$") }

        #expect(
            Self.normalized(screen) == """
                $ agentctl start --require-approval shell --model emu-tools-2 'two steps'
                run RUN started (model emu-tools-2)
                [thinking] Planning the next step: checking what the earlier tool outputs say.
                ? approve shell: echo step-0 $((0 * 7 + 3)): yes
                [approval] CALL approved by agentctl, uid UID, pid PID on pts/N
                ✓ shell: echo step-0 $((0 * 7 + 3))  exit 0  DURATION
                [thinking] Planning the next step: checking what the earlier tool outputs say.
                ? approve shell: echo step-1 $((1 * 7 + 3)): yes
                [approval] CALL approved by agentctl, uid UID, pid PID on pts/N
                ✓ shell: echo step-1 $((1 * 7 + 3))  exit 0  DURATION
                Completed 2 tool calls.
                digest=ce24705a5529f41baa82eda28c679d658aa4444621eddab72c3fdee0122ec327
                run RUN completed: 2 tool calls, TOKENS, DURATION
                $
                """)
        }
    }

    @Test func attachShowsTheSpinnerThenTheFinishedLine() async throws {
        try await withTerminal { harness, terminal in
        let run = try await harness.startDetached([
            "--require-approval", "shell", "--model", "emu-slow-1-1500", "one slow step",
        ])

        try await terminal.typeLine("agentctl attach \(run)")
        try await terminal.waitForScreen("the approval prompt") { $0.hasSuffix("[a]lways for this tool:") }
        try await terminal.press("y")
        // While the tool runs: one line with a spinner frame and the elapsed seconds.
        let running = try await terminal.waitForScreen("the spinner") { screen in
            screen.split(separator: "\n").last.map { Self.isSpinnerLine(String($0)) } ?? false
        }
        #expect(running.split(separator: "\n").last?.contains("shell: sleep 1.5; echo step-0") == true)
        let screen = try await terminal.waitForScreen("the end of the run") { $0.contains("digest=") && $0.hasSuffix("$") }

        #expect(
            Self.normalized(screen) == """
                $ agentctl attach RUN
                [thinking] Planning the next step: checking what the earlier tool outputs say.
                ? approve shell: sleep 1.5; echo step-0 $((0 * 7 + 3)): yes
                [approval] CALL approved by agentctl, uid UID, pid PID on pts/N
                ✓ shell: sleep 1.5; echo step-0 $((0 * 7 + 3))  exit 0  DURATION
                Completed 1 tool calls.
                digest=6082404024ea9bf20980ade702b83be30f179160792c14a84292c7d14c0b13c8
                run RUN completed: 1 tool call, TOKENS, DURATION
                $
                """)
        }
    }

    /// `⠹ shell: …  0.4 s`: a braille spinner frame, the call, its elapsed time.
    static func isSpinnerLine(_ line: String) -> Bool {
        line.range(of: #"^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] shell: .*  \d+\.\d s$"#, options: .regularExpression) != nil
    }

    /// Run and call ids, uids, pids, terminal numbers and durations replaced by placeholders (they differ on every
    /// run).
    static func normalized(_ screen: String) -> String {
        let rules: [(String, String)] = [
            (#"run_[0-9a-z]+"#, "RUN"), (#"call_[0-9a-zA-Z]+"#, "CALL"), (#"uid \d+"#, "uid UID"),
            (#"pid \d+"#, "pid PID"), (#"pts/\d+"#, "pts/N"),
            (#"\d+(\.\d+)? (ms|s)$"#, "DURATION"), (#"\d+ tokens \(\d+ in, \d+ out\)"#, "TOKENS"),
        ]
        return screen.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            rules.reduce(String(line)) { text, rule in
                text.replacingOccurrences(of: rule.0, with: rule.1, options: .regularExpression)
            }
        }.joined(separator: "\n")
    }
}
