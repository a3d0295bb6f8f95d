import AgentModel
import ArgumentParser

/// `agentctl attach`: replays a run from a sequence number, then follows it live until it ends.
struct AttachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach", abstract: "Show a run from a sequence number on, then follow it live.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("from"), help: "First sequence number to show.")
    var fromSeq: Int64 = 0

    @Flag(help: "Print one ledger event per line as JSON.")
    var json = false

    @Flag(help: "On a terminal, do not ask about calls waiting for approval (approve them with agentctl approve).")
    var noPrompt = false

    @Argument(help: "The run id.")
    var run: String

    func run() async throws {
        let id = try Session.runID(run)
        let session = try await Session.open(global)
        throw try await session.followAndReport(id, fromSeq: fromSeq, json: json, prompts: !noPrompt)
    }
}
