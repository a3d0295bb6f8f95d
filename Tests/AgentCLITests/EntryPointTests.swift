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

    @Test func attachTakesEitherFromOrLastAndNeitherBelowZero() async {
        let socket = ["--socket", "/nonexistent/agentd.sock"]
        let results = [
            await CLIResult.run(["attach", "@last", "--from", "3", "--last", "2"] + socket),
            await CLIResult.run(["attach", "@last", "--last=-1"] + socket),
        ]
        #expect(results.map(\.status) == [64, 64])
        #expect(results[0].stderr.contains("give --from or --last, not both"))
        #expect(results[1].stderr.contains("--last must be 0 or more"))
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
