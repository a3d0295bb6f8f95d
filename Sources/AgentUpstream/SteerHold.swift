import AgentModel

/// Keeps a response's stream open while steers sent on it are unanswered, so every steering frame reaches the
/// run that sent the steer (a pure state machine; ``WebSocketPool`` feeds it every frame of the lane).
///
/// The server answers steers in order: `response.steer.accepted` (it owns the input) or `.failed`; an accepted
/// steer is then either applied by a successor's `response.created` or held by `.pending` after
/// `response.completed`. A `response.incomplete` with reason `steered` is not the end: its successor streams next.
struct SteerHold: Equatable, Sendable {
    /// Steers written and not yet accepted or refused.
    private(set) var unanswered = 0
    /// Steers accepted and not yet applied or held.
    private(set) var accepted = 0
    /// A terminal frame arrived (after it, only steer answers and an automatic successor may follow).
    private(set) var terminalSeen = false

    /// Whether a new steer may target this response (it has not ended).
    var acceptsSteers: Bool { !terminalSeen }

    mutating func steerSent() { unanswered += 1 }

    /// The steer could not be written after all.
    mutating func steerNotWritten() { unanswered = max(0, unanswered - 1) }

    /// Observes one frame of the lane and says whether the response's stream ends after it.
    /// - Parameters:
    ///   - type: the frame's `type`.
    ///   - steeredIncomplete: the frame is `response.incomplete` with `incomplete_details.reason == "steered"`.
    ///   - endsResponseHard: an `error` or `response.failed`: the response is over whatever steers are open.
    mutating func observe(_ type: String?, steeredIncomplete: Bool, endsResponseHard: Bool) -> Bool {
        switch type {
        case SteerEventType.accepted:
            unanswered = max(0, unanswered - 1)
            accepted += 1
        case SteerEventType.failed:
            unanswered = max(0, unanswered - 1)
        case SteerEventType.pending:
            accepted = max(0, accepted - 1)
        case UpstreamEventType.created:
            // A successor applies every accepted steer.
            accepted = 0
            terminalSeen = false
        default:
            break
        }
        if endsResponseHard { return true }
        if let type, UpstreamEventType.terminal.contains(type) { terminalSeen = !steeredIncomplete }
        return terminalSeen && unanswered == 0 && accepted == 0
    }
}
