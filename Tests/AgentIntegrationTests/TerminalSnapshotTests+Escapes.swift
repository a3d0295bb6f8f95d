import Foundation
import Testing

/// Terminal escape injection (issue 14 item 14): a title (OSC 0), a clear-screen and a carriage return in model
/// text and in a command line waiting for approval are shown visibly on the terminal, never obeyed.
extension TerminalSnapshotTests {
    @Test func escapesInModelTextAreShownNotObeyed() async throws {
        try await withTerminal { _, terminal in
            // Bash's $'…' puts the real ESC, BEL and CR bytes into the prompt the emulator echoes back.
            try await terminal.typeLine(#"agentctl start --model emu-text $'hi\e]0;pwned\a\e[2J\e[Hthere\rX'"#)
            let screen = try await terminal.waitForScreen("the end of the run") { $0.contains("completed") && $0.hasSuffix("$") }

            #expect(
                Self.normalized(screen) == #"""
                    $ agentctl start --model emu-text $'hi\e]0;pwned\a\e[2J\e[Hthere\rX'
                    run RUN started (model emu-text)
                    You said: hi^[]0;pwned^G^[[2J^[[Hthere^MX
                    run RUN completed: 0 tool calls, TOKENS, DURATION
                    $
                    """#)
        }
    }

    @Test func escapesInACommandLineAreShownInTheApprovalPrompt() async throws {
        try await withTerminal { _, terminal in
            // A command that would erase its own line and show a harmless one in its place.
            try await terminal.typeLine(
                #"agentctl start --require-approval shell --model emu-shell-prompt $'touch pwned\e[2K\recho harmless'"#)
            let prompt = try await terminal.waitForScreen("the approval prompt") { $0.hasSuffix("[a]lways for this tool:") }
            #expect(
                prompt.split(separator: "\n").last
                    == "? approve shell: touch pwned^[[2K^Mecho harmless  [y]es / [n]o / [a]lways for this tool:")
            try await terminal.press("n")
            _ = try await terminal.waitForScreen("the end of the run") { $0.contains("completed") && $0.hasSuffix("$") }
        }
    }
}
