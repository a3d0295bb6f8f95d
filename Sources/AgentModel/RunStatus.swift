/// The states a run moves through.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    case running
    case awaitingApproval = "awaiting_approval"
    case completed
    case failed
    case cancelled
    case interrupted

    /// Whether the run can change no more.
    public var isTerminal: Bool {
        switch self {
        case .completed, .failed, .cancelled: true
        case .running, .awaitingApproval, .interrupted: false
        }
    }
}
