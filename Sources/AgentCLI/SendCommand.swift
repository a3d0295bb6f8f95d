import AgentModel
import AgentProtocol
import ArgumentParser
import Foundation

/// `agentctl send`: the next prompt of a run's conversation, streamed like `start` until the turn ends.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "Send the next prompt of a run's conversation and stream the turn until it ends.",
        discussion: """
            A run whose last turn ended (or that has none) starts a new turn with the text, in the same \
            conversation; a run that is still working takes it as input for the current turn (as agentctl input). \
            Exit codes as for start: 0 the turn completed, 1 it failed, 2 it was cancelled or interrupted.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Reasoning effort from this turn on: none, minimal, low, medium, high or xhigh.")
    var effort: String?

    @Option(
        name: .customLong("tool-format"),
        help: "How shell and apply_patch are offered from this turn on: native (built-in tool types) or function.")
    var toolFormat: String?

    @Option(
        name: .customLong("request-id"),
        help: "An idempotency key: sending again with the same key and text starts the turn once.")
    var requestID: String?

    @Flag(help: "Print the run id and turn, and return without waiting.")
    var detach = false

    @Flag(help: "Print JSON: {id, turn} with --detach, else one ledger event per line.")
    var json = false

    @Flag(help: "On a terminal, do not ask about calls waiting for approval (approve them with agentctl approve).")
    var noPrompt = false

    @Argument(help: "The run: its id, a unique prefix of it, or @last.", completion: .custom(RunReference.complete))
    var run: String

    @Argument(help: "The prompt.")
    var text: [String]

    func validate() throws {
        try RunReference.checkShape(run)
        if let toolFormat, ToolFormat(rawValue: toolFormat) == nil {
            throw ValidationError("--tool-format must be native or function, got \"\(toolFormat)\"")
        }
    }

    func run() async throws {
        let message = text.joined(separator: " ")
        guard !message.isEmpty else { throw ValidationError("the prompt is empty") }
        let session = try await Session.open(global)
        let id = try await RunReference.resolve(run, session)
        let params = RunPrompt.Params(
            runID: id, text: message, requestID: requestID, effort: effort,
            toolFormat: toolFormat.flatMap(ToolFormat.init(rawValue:)))
        let result = try await session.perform { try await $0.call(RunPrompt.self, params) }
        if detach {
            Console.out(
                json
                    ? try JSONCoding.encode(SentTurn(id: id.rawValue, turn: result.turn)) + "\n"
                    : "\(id) turn \(result.turn)\n")
            return
        }
        Console.err("run \(id) turn \(result.turn)\n")
        // From the event the prompt committed (`turn.started` or `input.added`): the turn's own events only.
        throw try await session.followAndReport(id, fromSeq: result.run.lastSeq, json: json, prompts: !noPrompt)
    }
}

/// `agentctl send --detach --json`'s output.
private struct SentTurn: Encodable {
    var id: String
    var turn: Int
}
