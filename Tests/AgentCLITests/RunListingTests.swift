@testable import AgentCLI
import AgentModel
import AgentProtocol
import Testing

/// `agentctl list` and `agentctl show` of conversations: turns counted, the last prompt, one row per turn.
struct RunListingTests {
    @Test func listShowsTurnsAndTheLastPrompt() {
        let runs = [
            RunListEntry(
                id: RunID(rawValue: "run_aaaa"), status: .completed, model: "emu-text", prompt: "first question",
                createdAtMillis: 0, updatedAtMillis: 0, turns: 3, lastPrompt: "third\nquestion"),
            RunListEntry(
                id: RunID(rawValue: "run_bbbb"), status: .idle, model: "emu-text", prompt: "", createdAtMillis: 0,
                updatedAtMillis: 0, turns: 0),
            // A daemon before conversations sends no turn count.
            RunListEntry(
                id: RunID(rawValue: "run_cccc"), status: .running, model: "emu-tools-2", prompt: "old style",
                createdAtMillis: 0, updatedAtMillis: 0),
        ]
        #expect(
            ListCommand.table(runs, nowMillis: 90_000) == """
                RUN       STATUS     TURNS  AGE  MODEL        LAST PROMPT
                run_aaaa  completed      3   1m  emu-text     third^Jquestion
                run_bbbb  idle           0   1m  emu-text
                run_cccc  running        -   1m  emu-tools-2  old style

                """)
    }

    @Test func showListsEachTurn() {
        var info = RunInfo(
            id: RunID(rawValue: "run_aaaa"), status: .cancelled, model: "emu-script", prompt: "one", cwd: "/w",
            outputText: "", createdAtMillis: 0, updatedAtMillis: 0, lastSeq: 9, responsesCompleted: 3,
            toolCalls: [], inputTokens: 30, outputTokens: 12, endReason: "cancelled with Ctrl-C", turns: 2)
        info.turnList = [
            TurnInfo(turn: 1, prompt: "one", status: .completed, toolCalls: 1, inputTokens: 20, outputTokens: 8),
            TurnInfo(turn: 2, prompt: "two", status: .cancelled, toolCalls: 0, inputTokens: 10, outputTokens: 4),
        ]
        #expect(
            ShowCommand.text(info) == """
                run       run_aaaa
                status    cancelled (cancelled with Ctrl-C)
                model     emu-script
                cwd       /w
                prompt    one
                responses 3   tokens in 30 out 12
                tools     0 calls
                turns     2
                  TURN  STATUS     CALLS  IN  OUT  PROMPT
                     1  completed      1  20    8  one
                     2  cancelled      0  10    4  two

                """)
    }
}
