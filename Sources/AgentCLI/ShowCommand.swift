import AgentModel
import AgentProtocol
import ArgumentParser

/// `agentctl show`: one run's state.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a run's state.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the run as one JSON object.")
    var json = false

    @OptionGroup var selection: RunSelection

    func run() async throws {
        let session = try await Session.open(global)
        let id = try await selection.resolve(session)
        let info = try await session.perform { try await $0.call(RunGet.self, RunGet.Params(runID: id)).run }
        if json {
            Console.out(try JSONCoding.encode(info) + "\n")
            return
        }
        var lines = [
            "run       \(info.id)",
            "status    \(info.status.rawValue)" + (info.endReason.map { " (\(VisibleText.escaped($0)))" } ?? ""),
            "model     \(info.model)" + (info.toolFormat == .native ? " (native tools)" : ""),
            "cwd       \(info.cwd)",
            "prompt    \(VisibleText.escaped(info.prompt))",
            "responses \(info.responsesCompleted)   tokens in \(info.inputTokens) out \(info.outputTokens)",
            "tools     \(info.toolCalls.count) call\(info.toolCalls.count == 1 ? "" : "s")",
        ]
        if let tokens = info.contextTokens {
            let compactions = info.compactions ?? 0
            lines.insert(
                "context   ~\(tokens) tokens, \(compactions) compaction\(compactions == 1 ? "" : "s")", at: lines.count - 1)
        }
        if let retry = info.retry { lines.insert("retry     \(RetryText.describe(retry))", at: 2) }
        for call in info.toolCalls {
            // A call without a result while the run waits for a decision is waiting, not running.
            let waiting = info.status == .awaitingApproval && call.exitCode == nil && call.status == "running"
            let outcome =
                call.status == "finished"
                ? ToolOutcomeText.describe(
                    exitCode: call.exitCode, timedOut: false, durationMillis: call.durationMillis, error: call.error,
                    signal: call.signal, cancelled: call.cancelled == true)
                : (waiting ? "waiting for approval" : call.status)
            lines.append("  - \(EventRenderer.summary(name: call.name, arguments: call.arguments)) -> \(outcome)")
        }
        // No header over nothing: a run without text yet shows no output section.
        if !info.outputText.isEmpty {
            lines.append("output")
            lines.append(VisibleText.escaped(info.outputText))
        }
        Console.out(lines.joined(separator: "\n") + "\n")
    }
}
