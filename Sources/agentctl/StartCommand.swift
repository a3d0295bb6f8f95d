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

    @Option(name: .customLong("tool"), help: "A tool the run may use (repeatable; default: the daemon's run.tools).")
    var tools: [String] = []

    @Option(
        name: .customLong("require-approval"),
        help: "A tool whose calls wait for a person's approval in this run (repeatable).")
    var requireApproval: [String] = []

    @Flag(help: "Print the run id and return without waiting.")
    var detach = false

    @Flag(help: "Print JSON: the run id with --detach, else one ledger event per line.")
    var json = false

    @Argument(help: "The prompt.")
    var prompt: [String]

    func run() async throws {
        let text = prompt.joined(separator: " ")
        guard !text.isEmpty else { throw ValidationError("the prompt is empty") }
        let directory = cwd.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            ?? FileManager.default.currentDirectoryPath
        let session = try await Session.open(global)
        let params = RunStart.Params(
            prompt: text, model: model, cwd: directory, instructions: instructions, tools: tools.isEmpty ? nil : tools,
            requireApproval: requireApproval.isEmpty ? nil : requireApproval)
        let run = try await session.perform { try await $0.call(RunStart.self, params).run }
        if detach {
            Console.out(json ? try JSONCoding.encode(["id": run.id.rawValue]) + "\n" : "\(run.id)\n")
            return
        }
        Console.err("run \(run.id) started (model \(run.model))\n")
        let final = try await session.follow(run.id, fromSeq: 0, json: json)
        let code = ExitCodes.forRun(final.status)
        if code != .success {
            Console.err("agentctl: run \(final.id) \(final.status.rawValue): \(final.endReason ?? "no reason given")\n")
        }
        throw code
    }
}
