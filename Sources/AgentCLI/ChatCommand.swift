import AgentModel
import AgentProtocol
import ArgumentParser

/// `agentctl chat`: a conversation with a run at a prompt line, each line a turn streamed as `start` streams.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat", abstract: "Talk with a run: each line is a turn, streamed as it runs.",
        discussion: """
            Without RUN the first line starts a new run (with the run options given). Each line is a turn of \
            the conversation (as agentctl send): its text, tool calls and approval prompts show as with \
            agentctl start, then a summary of the turn. Ctrl-C cancels the running turn and the chat goes on; \
            Ctrl-D leaves, and the run stays (come back with agentctl chat RUN). Turns another client starts on \
            the run show here too. When stdin is not a terminal, its lines are the prompts, one turn at a time. \
            Exit codes: 0 when you leave, 2 agentd is stopping, 3 agentd went away, 4 it refused the run.
            """)

    @OptionGroup var global: GlobalOptions

    @OptionGroup var options: RunOptions

    @Flag(help: "Print one ledger event per line as JSON (on stdout; prompts are still read from stdin).")
    var json = false

    @Flag(help: "On a terminal, do not ask about calls waiting for approval (approve them with agentctl approve).")
    var noPrompt = false

    @Argument(
        help: "The run to talk with: its id, a unique prefix of it, or @last (default: a new run).",
        completion: .custom(RunReference.complete))
    var run: String?

    func validate() throws {
        guard let run else { return }
        try RunReference.checkShape(run)
        if !options.isEmpty {
            throw ValidationError("the run options (--model, --tool, …) are for a new run; \(run) has its own")
        }
    }

    func run() async throws {
        let session = try await Session.open(global)
        var existing: RunInfo?
        if let run {
            let id = try await RunReference.resolve(run, session)
            existing = try await session.perform { try await $0.call(RunGet.self, RunGet.Params(runID: id)).run }
        }
        var chat = ChatSession(session: session, options: options, json: json, prompts: !noPrompt)
        throw await chat.run(existing)
    }
}
