import AgentModel
import ArgumentParser

/// The run a command works on: `RUN` (an id, a unique prefix, `@last`) or `-l` for the newest run.
struct RunSelection: ParsableArguments {
    @Flag(name: [.customShort("l"), .customLong("latest")], help: "The newest run (same as @last).")
    var latest = false

    @Argument(
        help: "The run: its id, a unique prefix of it (1a251c06), or @last.",
        completion: .custom(RunReference.complete))
    var run: String?

    func validate() throws {
        if latest && run != nil { throw ValidationError("give a run or -l, not both") }
        if !latest && run == nil { throw ValidationError("missing the run (an id, a prefix, @last, or -l)") }
        if let run { try RunReference.checkShape(run) }
    }

    /// The run's id, asked of agentd for a prefix or the newest run.
    func resolve(_ session: Session) async throws -> RunID {
        try await RunReference.resolve(latest ? RunReference.newest : run ?? "", session)
    }
}
