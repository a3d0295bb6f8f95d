import AgentModel
import ArgumentParser

/// `agentctl export`: the run's whole ledger as JSON lines, for `agentd --replay` or an archive.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write a run's ledger events as JSON lines (replay offline with agentd --replay).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The run id.")
    var run: String

    func run() async throws {
        let id = try Session.runID(run)
        let session = try await Session.open(global)
        try await session.printCommittedEvents(of: id, fromSeq: 0)
    }
}
