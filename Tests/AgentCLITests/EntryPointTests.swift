import AgentCLI
import AgentModel
import Testing

/// `AgentCtl.run` as the executable calls it: exit codes and where help and errors go.
struct EntryPointTests {
    @Test func versionGoesToStdoutWithExitZero() async {
        let result = await CLIResult.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == AgentVersion.current + "\n")
        #expect(result.stderr.isEmpty)
    }

    @Test func aMalformedRunIDIsAUsageErrorOnStderr() async {
        let result = await CLIResult.run(["show", "not-a-run", "--socket", "/nonexistent/agentd.sock"])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("'not-a-run' is not a run id"))
    }
}

/// Usage errors of the conversation commands, refused before anything is sent.
struct ConversationUsageTests {
    @Test func chatWithARunRefusesNewRunOptions() async {
        let result = await CLIResult.run([
            "chat", "run_0123abcd", "--model", "m", "--socket", "/nonexistent/agentd.sock",
        ])
        #expect(result.status == 64)
        #expect(result.stderr.contains("the run options (--model, --tool, …) are for a new run"))
    }

    @Test func forkRefusesTurnZero() async {
        let result = await CLIResult.run(["fork", "run_0123abcd", "--at", "0", "--socket", "/nonexistent/agentd.sock"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--at takes a turn number, 1 or more"))
    }
}
