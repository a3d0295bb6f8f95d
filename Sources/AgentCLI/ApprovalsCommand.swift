import AgentModel
import AgentProtocol
import ArgumentParser

/// `agentctl approvals`: the tool calls waiting for a decision.
struct ApprovalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals", abstract: "List tool calls waiting for approval (of one run, or of every run).")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the list as one JSON object ({\"approvals\": […]}).")
    var json = false

    @Argument(help: "Only this run's calls (an id, a unique prefix, or @last).", completion: .custom(RunReference.complete))
    var run: String?

    func run() async throws {
        let session = try await Session.open(global)
        var id: RunID?
        if let run { id = try await RunReference.resolve(run, session) }
        let result = try await session.perform {
            try await $0.call(ApprovalList.self, ApprovalList.Params(runID: id))
        }
        if json {
            Console.out(try JSONCoding.encode(result) + "\n")
            return
        }
        if result.approvals.isEmpty {
            Console.err("no tool call is waiting for approval\n")
            return
        }
        var table = TextTable([("RUN", .left), ("CALL", .left), ("TOOL CALL", .left), ("WHY", .left)])
        for approval in result.approvals {
            table.add([
                approval.runID.rawValue, approval.callID,
                EventRenderer.summary(name: approval.name, arguments: approval.arguments),
                approval.reason.map { VisibleText.escaped($0, keepingNewlines: false) } ?? "",
            ])
        }
        Console.out(table.render())
    }

    /// `RUN CALL  shell: echo hi  (policy)`.
    static func line(_ approval: ApprovalInfo) -> String {
        let summary = EventRenderer.summary(name: approval.name, arguments: approval.arguments)
        return "\(approval.runID) \(approval.callID)  \(summary)" + (approval.reason.map { "  (\($0))" } ?? "") + "\n"
    }
}
