import AgentModel
import ArgumentParser

/// `agentctl export`: the run's whole ledger as JSON lines, for `agentd --replay` or an archive.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write a run's ledger events as JSON lines (replay offline with agentd --replay).")

    @OptionGroup var global: GlobalOptions

    @OptionGroup var selection: RunSelection

    func run() async throws {
        let session = try await Session.open(global)
        let id = try await selection.resolve(session)
        try await session.printCommittedEvents(of: id, fromSeq: 0)
    }
}
