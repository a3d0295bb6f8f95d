import AgentModel
import AgentProtocol
import ArgumentParser

/// `agentctl log`: the run's ledger as JSON lines.
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "Print a run's ledger events as JSON lines.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("from"), help: "First sequence number to print.")
    var fromSeq: Int64 = 0

    @Flag(help: "Keep printing new events until the run ends.")
    var follow = false

    @Argument(help: "The run id.")
    var run: String

    func run() async throws {
        let id = try Session.runID(run)
        let session = try await Session.open(global)
        if follow {
            throw try await session.followAndReport(id, fromSeq: fromSeq, json: true)
        }
        try await session.printCommittedEvents(of: id, fromSeq: fromSeq)
    }
}
