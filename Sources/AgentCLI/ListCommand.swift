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
        Console.out(Self.table(result.runs, nowMillis: Int64(Date().timeIntervalSince1970 * 1000)))
    }

    /// The runs as a table: id, status, turns (`-` from a daemon before conversations), age, model, and the
    /// prompt of the last turn.
    static func table(_ runs: [RunListEntry], nowMillis: Int64) -> String {
        var table = TextTable([
            ("RUN", .left), ("STATUS", .left), ("TURNS", .right), ("AGE", .right), ("MODEL", .left),
            ("LAST PROMPT", .left),
        ])
        for run in runs {
            let prompt = VisibleText.escaped(String((run.lastPrompt ?? run.prompt).prefix(60)), keepingNewlines: false)
            table.add([
                run.id.rawValue, run.status.rawValue, run.turns.map(String.init) ?? "-",
                age(nowMillis - run.createdAtMillis), run.model, prompt,
            ])
        }
        return table.render()
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
