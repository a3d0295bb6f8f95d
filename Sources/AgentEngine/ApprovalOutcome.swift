/// What became of a person's decision on a tool call.
public enum ApprovalOutcome: Equatable, Sendable {
    /// This decision was recorded; the run goes on.
    case resolved
    /// An earlier decision was recorded first; this one changed nothing.
    case alreadyResolved(approved: Bool)
    /// The run has no call with that id waiting for a decision.
    case notFound
}
