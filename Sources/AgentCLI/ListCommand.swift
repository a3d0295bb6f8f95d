import AgentModel
import AgentProtocol
import ArgumentParser
import Foundation

/// `agentctl list`: recent runs, newest first.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List runs, newest first.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "How many runs to show.")
    var limit = 20

    @Flag(help: "Print one JSON object per run.")
    var json = false

    func run() async throws {
        let session = try await Session.open(global)
        let result = try await session.perform { try await $0.call(RunList.self, RunList.Params(limit: limit)) }
        if json {
            for run in result.runs { Console.out(try JSONCoding.encode(run) + "\n") }
            return
        }
        if result.runs.isEmpty {
            Console.err("no runs yet\n")
            return
        }
        let width = result.runs.map(\.id.rawValue.count).max() ?? 0
        for run in result.runs {
            let id = run.id.rawValue.padding(toLength: width, withPad: " ", startingAt: 0)
            let status = run.status.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0)
            Console.out("\(id)  \(status)  \(run.model)  \(run.prompt.prefix(60))\n")
        }
    }
}
