import AgentModel
import AgentProtocol
import ArgumentParser

/// `agentctl approve`: approves (or with `--deny` denies) a tool call waiting for a decision.
struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Approve or deny a tool call waiting for approval.",
        discussion: """
            Without CALL, the run's only waiting call is decided (several waiting calls: the command lists them \
            and exits 64). The first decision wins: when another decision was recorded first, the command says \
            so and exits 4 (with --json the result still says which decision is in force).
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Deny the call instead: the model is told the user refused it.")
    var deny = false

    @Option(help: "Why (recorded with the decision; a denial's reason is passed to the model).")
    var reason: String?

    @Flag(help: "Print the result as one JSON object.")
    var json = false

    @Argument(help: "The run: its id, a unique prefix of it, or @last.", completion: .custom(RunReference.complete))
    var run: String

    @Argument(help: "The call id (default: the run's only waiting call).")
    var call: String?

    func validate() throws {
        try RunReference.checkShape(run)
    }

    func run() async throws {
        let session = try await Session.open(global)
        let id = try await RunReference.resolve(run, session)
        let callID: String
        if let call {
            callID = call
        } else {
            callID = try await Self.onlyWaitingCall(of: id, session)
        }
        let params = ApprovalResolve.Params(runID: id, callID: callID, approve: !deny, reason: reason)
        let result = try await session.perform { try await $0.call(ApprovalResolve.self, params) }
        let decision = result.approved ? "approved" : "denied"
        if json { Console.out(try JSONCoding.encode(result) + "\n") }
        switch result.outcome {
        case .resolved:
            if !json { Console.out("call \(callID) of run \(id) \(decision)\n") }
        case .alreadyResolved:
            let by = result.decidedBy.map { who in
                let ids = DeciderText.describe(client: nil, uid: who.uid, pid: who.pid, tty: who.tty)
                let name = VisibleText.escaped(who.client ?? "an unnamed client")
                return " by \(name)" + (ids.isEmpty ? "" : " (\(ids))")
            }
            Console.err("agentctl: call \(callID) of run \(id) was already \(decision)\(by ?? " by an earlier decision")\n")
            throw ExitCodes.refused
        }
    }

    /// The id of the run's single waiting call; an error listing them when there are none or several.
    static func onlyWaitingCall(of id: RunID, _ session: Session) async throws -> String {
        let waiting = try await session.perform {
            try await $0.call(ApprovalList.self, ApprovalList.Params(runID: id)).approvals
        }
        switch waiting.count {
        case 1:
            return waiting[0].callID
        case 0:
            Console.err("agentctl: no call of run \(id) is waiting for approval\n")
            throw ExitCodes.refused
        default:
            Console.err("agentctl: \(waiting.count) calls of run \(id) wait for approval; name one:\n")
            Console.err(waiting.map(ApprovalsCommand.line).joined())
            throw ExitCodes.usage
        }
    }
}
