import AgentModel
import AgentProtocol
import ArgumentParser

/// `agentctl show`: one run's state.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a run's state.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the run as one JSON object.")
    var json = false

    @Argument(help: "The run id.")
    var run: String

    func run() async throws {
        let id = try Session.runID(run)
        let session = try await Session.open(global)
        let info = try await session.perform { try await $0.call(RunGet.self, RunGet.Params(runID: id)).run }
        if json {
            Console.out(try JSONCoding.encode(info) + "\n")
            return
        }
        var lines = [
            "run       \(info.id)",
            "status    \(info.status.rawValue)" + (info.endReason.map { " (\($0))" } ?? ""),
            "model     \(info.model)",
            "cwd       \(info.cwd)",
            "prompt    \(info.prompt)",
            "responses \(info.responsesCompleted)   tokens in \(info.inputTokens) out \(info.outputTokens)",
            "tools     \(info.toolCalls.count) calls",
        ]
        if let tokens = info.contextTokens {
            let compactions = info.compactions ?? 0
            lines.insert(
                "context   ~\(tokens) tokens, \(compactions) compaction\(compactions == 1 ? "" : "s")", at: lines.count - 1)
        }
        if let retry = info.retry { lines.insert("retry     \(RetryText.describe(retry))", at: 2) }
        for call in info.toolCalls {
            let outcome = call.exitCode.map { "exit \($0)" } ?? call.status
            let duration = call.durationMillis.map { " in " + EventRenderer.duration($0) } ?? ""
            lines.append("  - \(EventRenderer.summary(name: call.name, arguments: call.arguments)) -> \(outcome)\(duration)")
        }
        lines.append("output")
        lines.append(info.outputText)
        Console.out(lines.joined(separator: "\n") + "\n")
    }
}
