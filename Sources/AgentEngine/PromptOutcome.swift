import AgentModel

/// What became of a `run/prompt`: the run's state, the turn the text belongs to, and whether it opened that turn.
public struct PromptOutcome: Sendable {
    public var state: RunState
    /// The new turn, or the current one when the text was queued as its input.
    public var turn: Int
    /// Whether the prompt opened a turn (`turn.started`) rather than joining the current one as input.
    public var startedTurn: Bool

    public init(state: RunState, turn: Int, startedTurn: Bool) {
        self.state = state
        self.turn = turn
        self.startedTurn = startedTurn
    }
}
