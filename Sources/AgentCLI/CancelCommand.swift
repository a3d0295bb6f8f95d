import AgentModel
import AgentProtocol
import ArgumentParser

/// `agentctl cancel`: stops a run, at once or after the running tool.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Cancel a run (a completed or cancelled run is refused, exit 4).")

    /// When the run stops.
    enum Mode: String, EnumerableFlag {
        case now
        case afterTool

        static func help(for value: Mode) -> ArgumentHelp? {
            switch value {
            case .now: "Stop at once: abandon the response and kill running tools (default)."
            case .afterTool: "Let the running tool finish, then stop before the next request."
            }
        }
    }

    @OptionGroup var global: GlobalOptions

    @Flag var mode: Mode = .now

    @Option(help: "Why the run is cancelled (recorded in the ledger).")
    var reason: String?

    @Flag(help: "Print the run as one JSON object.")
    var json = false

    @Argument(help: "The run id.")
    var run: String

    func run() async throws {
        let id = try Session.runID(run)
        let session = try await Session.open(global)
        let params = RunCancel.Params(runID: id, mode: mode == .afterTool ? .afterTool : .now, reason: reason)
        let info = try await session.perform { try await $0.call(RunCancel.self, params).run }
        if json {
            Console.out(try JSONCoding.encode(info) + "\n")
        } else if info.status == .cancelled {
            Console.out("run \(id) cancelled\n")
        } else {
            let when = mode == .afterTool ? "after the running tool" : "now"
            Console.out("run \(id): cancel requested (\(when)); follow it with: agentctl attach \(id)\n")
        }
    }
}
