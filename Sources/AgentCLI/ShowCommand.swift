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
        Console.out(Self.text(info))
    }

    /// The run as `agentctl show` prints it: its fields, its turns, its tool calls, its output.
    static func text(_ info: RunInfo) -> String {
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
        for rule in info.approvalRules ?? [] {
            let maker = rule.client.map { " in " + VisibleText.escaped($0) } ?? ""
            let decision = rule.approved ? "always allow" : "always deny"
            lines.append("rule      \(decision) \(VisibleText.escaped(rule.tool)) (set\(maker) on \(rule.callID))")
        }
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
        if let turns = info.turnList, !turns.isEmpty {
            lines.append("turns     \(turns.count)")
            lines.append(turnTable(turns).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
        // No header over nothing: a run without text yet shows no output section.
        if !info.outputText.isEmpty {
            lines.append("output")
            lines.append(VisibleText.escaped(info.outputText))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One row per turn: number, status, tool calls, tokens in and out, prompt.
    static func turnTable(_ turns: [TurnInfo]) -> String {
        var table = TextTable([
            ("TURN", .right), ("STATUS", .left), ("CALLS", .right), ("IN", .right), ("OUT", .right), ("PROMPT", .left),
        ])
        for turn in turns {
            let prompt = VisibleText.escaped(String(turn.prompt.prefix(60)), keepingNewlines: false)
            table.add([
                "\(turn.turn)", turn.status.rawValue, "\(turn.toolCalls)", "\(turn.inputTokens)",
                "\(turn.outputTokens)", prompt,
            ])
        }
        return table.render()
    }
}
