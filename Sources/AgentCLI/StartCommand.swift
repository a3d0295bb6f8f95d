import AgentModel
import AgentProtocol
import ArgumentParser
import Foundation

/// `agentctl start`: starts a run and streams it until it ends (or returns at once with `--detach`).
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Start a run and stream it until it ends.")

    @OptionGroup var global: GlobalOptions

    @OptionGroup var options: RunOptions

    @Flag(help: "Print the run id and return without waiting.")
    var detach = false

    @Flag(help: "Print JSON: the run id with --detach, else one ledger event per line.")
    var json = false

    @Flag(help: "On a terminal, do not ask about calls waiting for approval (approve them with agentctl approve).")
    var noPrompt = false

    @Argument(help: "The prompt.")
    var prompt: [String]

    func run() async throws {
        let text = prompt.joined(separator: " ")
        guard !text.isEmpty else { throw ValidationError("the prompt is empty") }
        let session = try await Session.open(global)
        let params = options.startParams(prompt: text)
        let run = try await session.perform { try await $0.call(RunStart.self, params).run }
        if detach {
            Console.out(json ? try JSONCoding.encode(["id": run.id.rawValue]) + "\n" : "\(run.id)\n")
            return
        }
        let native = run.toolFormat == .native ? ", native tools" : ""
        Console.err("run \(run.id) started (model \(run.model)\(native))\n")
        throw try await session.followAndReport(run.id, fromSeq: 0, json: json, prompts: !noPrompt)
    }
}
