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
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var table = TextTable([("RUN", .left), ("STATUS", .left), ("AGE", .right), ("MODEL", .left), ("PROMPT", .left)])
        for run in result.runs {
            let prompt = VisibleText.escaped(String(run.prompt.prefix(60)), keepingNewlines: false)
            table.add([run.id.rawValue, run.status.rawValue, Self.age(now - run.createdAtMillis), run.model, prompt])
        }
        Console.out(table.render())
    }

    /// `42s`, `5m`, `3h`, `2d`.
    static func age(_ millis: Int64) -> String {
        let seconds = max(0, millis / 1000)
        switch seconds {
        case ..<60: return "\(seconds)s"
        case ..<3600: return "\(seconds / 60)m"
        case ..<86400: return "\(seconds / 3600)h"
        default: return "\(seconds / 86400)d"
        }
    }
}
