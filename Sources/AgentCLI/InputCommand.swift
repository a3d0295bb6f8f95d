import AgentModel
import AgentProtocol
import ArgumentParser

/// `agentctl input`: adds user input to an active run; it goes into the run's next request.
struct InputCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "input", abstract: "Add user input to an active run (it goes into the next request).",
        discussion: """
            The input cannot steer a response that is already streaming: it is sent with the run's next \
            request, after the current response and its tool calls.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("id"), help: "An input id; sending the same id twice adds the input once.")
    var inputID: String?

    @Flag(help: "Print the result as one JSON object.")
    var json = false

    @Argument(help: "The run id.")
    var run: String

    @Argument(help: "The text to add.")
    var text: [String]

    func run() async throws {
        let id = try Session.runID(run)
        let message = text.joined(separator: " ")
        guard !message.isEmpty else { throw ValidationError("the text is empty") }
        let session = try await Session.open(global)
        let result = try await session.perform {
            try await $0.call(RunInput.self, RunInput.Params(runID: id, text: message, inputID: inputID))
        }
        if json {
            Console.out(try JSONCoding.encode(result) + "\n")
        } else if result.applied {
            Console.out("input \(result.inputID) added to run \(id); it goes into the next request\n")
        } else {
            Console.out("input \(result.inputID) was already added to run \(id); nothing changed\n")
        }
    }
}
