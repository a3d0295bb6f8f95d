import AgentModel

/// What became of a person's decision on a tool call.
public enum ApprovalOutcome: Equatable, Sendable {
    /// This decision was recorded; the run goes on.
    case resolved
    /// An earlier decision was recorded first (possibly in a run that has ended since); this one changed nothing.
    /// The associated value is the decision in force, with who made it.
    case alreadyResolved(ApprovalResolved)
    /// The run has no call with that id that waits for, or got, a decision.
    case notFound
}
