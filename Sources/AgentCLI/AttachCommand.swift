import AgentModel
import AgentProtocol
import ArgumentParser

/// `agentctl attach`: replays a run from a sequence number, then follows it live until it ends.
struct AttachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach", abstract: "Show a run from a sequence number on, then follow it live.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("from"), help: "First sequence number to show (default: 0).")
    var fromSeq: Int64?

    @Option(name: .customLong("last"), help: "Start from the run's last N events instead (--last 0: only new ones).")
    var lastEvents: Int64?

    @Flag(help: "Print one ledger event per line as JSON.")
    var json = false

    @Flag(help: "On a terminal, do not ask about calls waiting for approval (approve them with agentctl approve).")
    var noPrompt = false

    @OptionGroup var selection: RunSelection

    func validate() throws {
        if fromSeq != nil && lastEvents != nil { throw ValidationError("give --from or --last, not both") }
        if let fromSeq, fromSeq < 0 { throw ValidationError("--from must be 0 or more") }
        if let lastEvents, lastEvents < 0 { throw ValidationError("--last must be 0 or more") }
    }

    func run() async throws {
        let session = try await Session.open(global)
        let id = try await selection.resolve(session)
        var start = fromSeq ?? 0
        if let lastEvents {
            let lastSeq = try await session.perform {
                try await $0.call(RunGet.self, RunGet.Params(runID: id)).run.lastSeq
            }
            start = max(0, lastSeq + 1 - lastEvents)
        }
        throw try await session.followAndReport(id, fromSeq: start, json: json, prompts: !noPrompt)
    }
}
