import AgentModel
import AgentProtocol
import ArgumentParser
import Foundation

/// `agentctl start`: starts a run and streams it until it ends (or returns at once with `--detach`).
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Start a run and stream it until it ends.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Model to use (default: the daemon's run.model).")
    var model: String?

    @Option(help: "Working directory for the run's tools (default: the current directory).")
    var cwd: String?

    @Option(help: "Instructions (system prompt) for the run.")
    var instructions: String?

    @Option(
        name: .customLong("tool"),
        help: "A tool added to the daemon's default set (run.tools) for this run (repeatable).")
    var tools: [String] = []

    @Option(
        name: .customLong("no-tool"),
        help: "A tool taken out of the run's set (repeatable; wins over --tool).")
    var noTools: [String] = []

    @Option(
        name: .customLong("require-approval"),
        help: "A tool whose calls wait for a person's approval in this run (repeatable).")
    var requireApproval: [String] = []

    @Option(help: "Reasoning effort for this run: none, minimal, low, medium, high or xhigh (default: run.reasoning_effort).")
    var effort: String?

    @Option(name: .customLong("max-output-tokens"), help: "max_output_tokens of each response (default: run.max_output_tokens).")
    var maxOutputTokens: Int?

    @Option(
        name: .customLong("tool-format"),
        help: """
            How shell and apply_patch are offered: native (the built-in tool types) or function \
            (default: run.tool_format).
            """)
    var toolFormat: String?

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
        let format = try toolFormat.map { raw in
            guard let format = ToolFormat(rawValue: raw) else {
                throw ValidationError("--tool-format must be native or function, got \"\(raw)\"")
            }
            return format
        }
        let directory = cwd.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            ?? FileManager.default.currentDirectoryPath
        let session = try await Session.open(global)
        var params = RunStart.Params(
            prompt: text, model: model, cwd: directory, instructions: instructions,
            requireApproval: requireApproval.isEmpty ? nil : requireApproval,
            addTools: tools.isEmpty ? nil : tools, removeTools: noTools.isEmpty ? nil : noTools)
        params.effort = effort
        params.maxOutputTokens = maxOutputTokens
        params.toolFormat = format
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
