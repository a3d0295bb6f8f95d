/// What `run/prompt` does with a run, decided from its state alone.
public enum PromptDecision: Equatable, Sendable {
    /// Open turn `turn` with the text (`turn.started`); `endingInterrupted`: the interrupted turn is first recorded as
    /// ended (`run.cancelled`), so it is never resumed behind the new one.
    case startTurn(turn: Int, endingInterrupted: Bool)
    /// The run is working on turn `turn`: the text is input for it (as `run/input`).
    case queueInput(turn: Int)
    /// The run already has this input id (a retried prompt): nothing is recorded.
    case alreadyApplied(turn: Int)
    /// The prompt cannot be taken; the reason says why.
    case refuse(String)
}

/// Which turn `run/fork` copies the conversation through, decided from the parent's state alone.
public enum ForkDecision: Equatable, Sendable {
    /// Copy turns 1 through `turn`.
    case fork(throughTurn: Int)
    case refuse(String)
}

extension RunState {
    /// What a prompt with `text` (and `inputID`, the retry key) does to this run.
    public func promptDecision(text: String, inputID: String?) -> PromptDecision {
        if text.isEmpty { return .refuse("the prompt is empty") }
        if let inputID, inputIDs.contains(inputID) { return .alreadyApplied(turn: turns.count) }
        if status.turnEnded {
            return .startTurn(turn: turns.count + 1, endingInterrupted: status == .interrupted)
        }
        return .queueInput(turn: max(turns.count, 1))
    }

    /// Which turn a fork at `atTurn` (the last ended turn when `nil`) copies.
    public func forkDecision(atTurn: Int?) -> ForkDecision {
        let ended = status.turnEnded ? turns.count : turns.count - 1
        guard let atTurn else {
            return ended >= 1 ? .fork(throughTurn: ended) : .refuse("run \(id) has no ended turn to fork")
        }
        guard atTurn >= 1 && atTurn <= turns.count else {
            return .refuse("run \(id) has \(turns.count) turns; at_turn must be 1…\(turns.count), got \(atTurn)")
        }
        guard atTurn <= ended else { return .refuse("turn \(atTurn) of run \(id) has not ended; fork an ended turn") }
        return .fork(throughTurn: atTurn)
    }
}
