import AgentModel
import AgentProtocol
import ArgumentParser

/// `agentctl resume`: continues an interrupted or failed run, then follows it like `start`.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Resume an interrupted or failed run and stream it until it ends.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the run id and return without waiting.")
    var detach = false

    @Flag(help: "Print JSON: the run with --detach, else one ledger event per line.")
    var json = false

    @Flag(help: "On a terminal, do not ask about calls waiting for approval (approve them with agentctl approve).")
    var noPrompt = false

    @Argument(help: "The run id.")
    var run: String

    func run() async throws {
        let id = try Session.runID(run)
        let session = try await Session.open(global)
        let info = try await session.perform { try await $0.call(RunResume.self, RunResume.Params(runID: id)).run }
        if detach {
            Console.out(json ? try JSONCoding.encode(info) + "\n" : "\(info.id)\n")
            return
        }
        Console.err("run \(info.id) resumed (model \(info.model))\n")
        // From the last event the resume saw (normally `run.resumed`): nothing after it is missed.
        throw try await session.followAndReport(info.id, fromSeq: max(0, info.lastSeq), json: json, prompts: !noPrompt)
    }
}
