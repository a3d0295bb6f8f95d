import AgentModel
import AgentProtocol
import ArgumentParser

/// `agentctl fork`: a new run holding a run's conversation up to a turn; prints its id.
struct ForkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fork", abstract: "Start a new run from a run's conversation up to a turn.",
        discussion: """
            The new run holds the conversation through turn TURN (default: the run's last ended turn) and \
            waits, idle, for its next prompt: agentctl send NEW TEXT, or agentctl chat NEW. The two runs then \
            go on independently. Prints the new run's id.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(
        name: .customLong("at"),
        help: ArgumentHelp("The last turn the new run holds (1 for the first).", valueName: "turn"))
    var atTurn: Int?

    @Flag(help: "Print the new run as one JSON object.")
    var json = false

    @OptionGroup var selection: RunSelection

    func validate() throws {
        if let atTurn, atTurn < 1 { throw ValidationError("--at takes a turn number, 1 or more") }
    }

    func run() async throws {
        let session = try await Session.open(global)
        let id = try await selection.resolve(session)
        let params = RunFork.Params(runID: id, atTurn: atTurn)
        let fork = try await session.perform { try await $0.call(RunFork.self, params).run }
        if json {
            Console.out(try JSONCoding.encode(fork) + "\n")
            return
        }
        Console.out("\(fork.id)\n")
        let turns = fork.turns == 1 ? "1 turn" : "\(fork.turns) turns"
        Console.err("forked \(id) with \(turns); go on with: agentctl chat \(fork.id)\n")
    }
}
