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

    @Argument(help: "Only this run's calls.")
    var run: String?

    func run() async throws {
        let id = try run.map(Session.runID)
        let session = try await Session.open(global)
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
        Console.out(result.approvals.map(Self.line).joined())
    }

    /// `RUN CALL  shell: echo hi  (policy)`.
    static func line(_ approval: ApprovalInfo) -> String {
        let summary = EventRenderer.summary(name: approval.name, arguments: approval.arguments)
        return "\(approval.runID) \(approval.callID)  \(summary)" + (approval.reason.map { "  (\($0))" } ?? "") + "\n"
    }
}
