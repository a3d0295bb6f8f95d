import AgentModel
import AgentProtocol
import ArgumentParser

/// `agentctl log`: the run's ledger, one line per event (seq, time, type, a short summary), or as JSON lines.
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Print a run's ledger events, one line each (seq, time, type, summary); --json for JSON lines.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("from"), help: "First sequence number to print.")
    var fromSeq: Int64 = 0

    @Flag(help: "Keep printing new events until the run ends.")
    var follow = false

    @Flag(help: "Print each event whole as one JSON object per line (as `agentctl export`).")
    var json = false

    @OptionGroup var selection: RunSelection

    func run() async throws {
        let session = try await Session.open(global)
        let id = try await selection.resolve(session)
        if follow {
            throw try await session.followAndReport(id, fromSeq: fromSeq, json: json, logLines: !json)
        }
        try await session.printCommittedEvents(of: id, fromSeq: fromSeq) {
            json ? try JSONCoding.encode($0) : LogLine.render($0)
        }
    }
}
