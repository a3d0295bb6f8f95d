/// The states a run moves through: the status of its last turn.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    case running
    case awaitingApproval = "awaiting_approval"
    case completed
    case failed
    case cancelled
    case interrupted
    /// The run has no turn yet (started or forked without a prompt): it waits for `run/prompt`.
    case idle

    /// Whether nothing runs and nothing would run again by itself: the last turn ended for good (or there is none).
    /// A new turn may still start with `run/prompt`.
    public var isTerminal: Bool {
        switch self {
        case .completed, .failed, .cancelled, .idle: true
        case .running, .awaitingApproval, .interrupted: false
        }
    }

    /// Whether the current turn ended (or there is none): `run/prompt` starts a new turn rather than queueing input.
    public var turnEnded: Bool {
        switch self {
        case .completed, .failed, .cancelled, .interrupted, .idle: true
        case .running, .awaitingApproval: false
        }
    }
}
