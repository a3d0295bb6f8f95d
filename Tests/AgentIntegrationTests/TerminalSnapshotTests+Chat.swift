import Foundation
import Testing

/// `agentctl chat` on a real terminal (tmux) against a real agentd and emulator (`emu-script`: each prompt line
/// scripts the model's turn): turns streamed as `start` streams them, an approval answered inline, Ctrl-C cancels
/// a turn and the chat goes on, Ctrl-D leaves with the run kept.
extension TerminalSnapshotTests {
    @Test func chatTakesTurnsAndCtrlCCancelsOnlyTheTurn() async throws {
        try await withTerminal { harness, terminal in
            try await terminal.typeLine("agentctl chat --model emu-script --require-approval shell")
            try await terminal.waitForScreen("the prompt") { $0.hasSuffix("\n>") }
            try await terminal.typeLine(#"call shell {"cmd":"echo chat-one"}"#)
            try await terminal.waitForScreen("the approval of turn 1") { $0.hasSuffix("[a]lways for this tool:") }
            try await terminal.press("y")
            try await terminal.waitForScreen("the end of turn 1") {
                $0.contains("turn 1 completed") && $0.hasSuffix("\n>")
            }

            try await terminal.typeLine(#"call shell {"cmd":"sleep 60"}"#)
            try await terminal.waitForScreen("the approval of turn 2") { $0.hasSuffix("[a]lways for this tool:") }
            try await terminal.press("y")
            try await terminal.waitForScreen("the spinner") { screen in
                screen.split(separator: "\n").last.map { Self.isSpinnerLine(String($0)) } ?? false
            }
            try await terminal.press("C-c")
            try await terminal.waitForScreen("the end of turn 2") {
                $0.contains("turn 2 cancelled") && $0.hasSuffix("\n>")
            }

            try await terminal.typeLine("say still here")
            try await terminal.waitForScreen("the end of turn 3") {
                $0.contains("turn 3 completed") && $0.hasSuffix("\n>")
            }
            try await terminal.press("C-d")
            try await terminal.waitForScreen("the shell again") { $0.hasSuffix("$") }
            try await terminal.typeLine("echo exit=$?")
            let screen = try await terminal.waitForScreen("the exit code") { $0.hasSuffix("$") && $0.contains("exit=") }

            #expect(
                Self.normalized(screen) == """
                    $ agentctl chat --model emu-script --require-approval shell
                    agentctl chat: the first line starts a new run; Ctrl-C cancels a turn, Ctrl-D leaves
                    > call shell {"cmd":"echo chat-one"}
                    run RUN started (model emu-script)
                    ? approve shell: echo chat-one: yes
                    [approval] CALL approved by agentctl, uid UID, pid PID on pts/N
                    ✓ shell: echo chat-one  exit 0  DURATION
                    Done.
                    turn 1 completed: 1 tool call, TOKENS, DURATION
                    > call shell {"cmd":"sleep 60"}
                    ? approve shell: sleep 60: yes
                    [approval] CALL approved by agentctl, uid UID, pid PID on pts/N
                    agentctl: cancelling turn 2; the chat goes on (Ctrl-D leaves)
                    ✗ shell: sleep 60  cancelled, killed by SIGTERM  DURATION
                    turn 2 cancelled (Ctrl-C in agentctl chat): 1 tool call, TOKENS, DURATION
                    > say still here
                    (upstream: continuing with the full conversation: new upstream connection)
                    still here
                    turn 3 completed: 0 tool calls, TOKENS, DURATION
                    >
                    agentctl: left the chat; run RUN stays: agentctl chat RUN
                    $ echo exit=$?
                    exit=0
                    $
                    """)
            let run = try #require(screen.firstMatch(of: /run_[0-9a-z]+/).map { String($0.output) })
            let show = try await harness.agentctl(["show", run, "--json"])
            #expect(show.status == 0)
            let info = try JSONSerialization.jsonObject(with: Data(show.stdout.joined().utf8)) as? [String: Any]
            let statuses = (info?["turn_list"] as? [[String: Any]])?.compactMap { $0["status"] as? String }
            #expect(statuses == ["completed", "cancelled", "completed"])
        }
    }
}

extension TerminalSnapshotTests {
    /// Two terminals chat with the same run: each shows the other's turns, and the approval asked in both is
    /// answered in one.
    @Test func twoTerminalsChatWithTheSameRun() async throws {
        try await withTerminal { harness, terminal in
            let first = try await harness.agentctl(
                ["chat", "--model", "emu-script", "--require-approval", "shell"], stdin: "say one\n")
            let run = try #require(first.stderr.first?.firstMatch(of: /run_[0-9a-z]+/).map { String($0.output) })
            let other = try await TmuxTerminal(cwd: harness.workDirectory, environment: Self.environment(harness))
            do {
                try await terminal.typeLine("agentctl chat \(run)")
                try await other.typeLine("agentctl chat \(run)")
                for screen in [terminal, other] {
                    try await screen.waitForScreen("the prompt") { $0.hasSuffix("\n>") }
                }
                try await terminal.typeLine(#"call shell {"cmd":"echo from-one"}"#)
                for screen in [terminal, other] {
                    try await screen.waitForScreen("the approval") { $0.hasSuffix("[a]lways for this tool:") }
                }
                try await other.press("y")
                for screen in [terminal, other] {
                    try await screen.waitForScreen("the end of turn 2") {
                        $0.contains("turn 2 completed") && $0.hasSuffix("\n>")
                    }
                }
                try await other.typeLine("say from the other terminal")
                let screen = try await terminal.waitForScreen("the end of turn 3") {
                    $0.contains("turn 3 completed") && $0.hasSuffix("\n>")
                }
                #expect(
                    Self.normalized(screen) == """
                        $ agentctl chat RUN
                        run RUN (model emu-script): 1 turn, completed; last prompt: say one
                        Ctrl-C cancels a turn, Ctrl-D leaves
                        > call shell {"cmd":"echo from-one"}
                        [approval] CALL approved by agentctl, uid UID, pid PID on pts/N
                        ✓ shell: echo from-one  exit 0  DURATION
                        Done.
                        turn 2 completed: 1 tool call, TOKENS, DURATION
                        [turn 3] say from the other terminal (from another client)
                        from the other terminal
                        turn 3 completed: 0 tool calls, TOKENS, DURATION
                        >
                        """)
                let otherScreen = try await other.waitForScreen("the end of turn 3") {
                    $0.contains("turn 3 completed") && $0.hasSuffix("\n>")
                }
                #expect(otherScreen.contains("[turn 2] call shell {\"cmd\":\"echo from-one\"} (from another client)"))
                #expect(otherScreen.contains("? approve shell: echo from-one: yes"))
            } catch {
                await other.close()
                throw error
            }
            await other.close()
        }
    }
}
