@testable import AgentCLI
import Testing

/// How a finished call ended, as the tool line, `show` and `log` say it (issue 13 items 6 and 7).
struct ToolOutcomeTextTests {
    func describe(
        exit: Int32? = nil, timedOut: Bool = false, millis: Double? = 12.5, error: String? = nil, signal: String? = nil,
        cancelled: Bool = false
    ) -> String {
        ToolOutcomeText.describe(
            exitCode: exit, timedOut: timedOut, durationMillis: millis, error: error, signal: signal,
            cancelled: cancelled)
    }

    @Test func eachWayACallEndsReadsDifferently() {
        #expect(
            [
                describe(exit: 0),
                describe(timedOut: true, signal: "SIGKILL"),
                describe(millis: 2_010, signal: "SIGTERM", cancelled: true),
                describe(signal: "SIGSEGV"),
                describe(millis: 0.1, error: "cannot enter the working directory: No such file or directory"),
                describe(millis: nil, error: "two\nlines"),
                describe(),
            ] == [
                "exit 0 in 12.5 ms",
                "timed out in 12.5 ms",
                "cancelled, killed by SIGTERM after 2.01 s",
                "killed by SIGSEGV in 12.5 ms",
                "error in 0.1 ms: cannot enter the working directory: No such file or directory",
                "error: two^Jlines",
                "error in 12.5 ms",
            ])
    }

    @Test func whoDecidedNamesTheProcessAndItsTerminal() {
        let full = DeciderText.describe(client: "agentctl", uid: 0, pid: 77, tty: "pts/3")
        #expect(full == "agentctl, uid 0, pid 77 on pts/3")
        #expect(DeciderText.describe(client: "editor", uid: 1000, pid: nil, tty: nil) == "editor, uid 1000")
        #expect(DeciderText.describe(client: nil, uid: nil, pid: nil, tty: nil) == "")
    }
}
