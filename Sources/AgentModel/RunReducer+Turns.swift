/// How turn boundaries change a run: a new turn opens on an ended conversation, a fork starts from a copy of one.
extension RunReducer {
    /// A new turn: the previous turn's leftovers are closed and the prompt becomes the next user message.
    static func applyTurnStarted(_ state: inout RunState, _ turn: TurnStarted) {
        // Calls the previous turn asked for and never finished (it was cancelled, failed or interrupted) are answered
        // as not run: the model must get an output for every call in the conversation, and they must not run now.
        state.pendingInput += state.closingOutputs()
        for index in state.toolCalls.indices where state.toolCalls[index].status != .finished {
            state.toolCalls[index].status = .finished
            if state.toolCalls[index].approval == .pending { state.toolCalls[index].approval = .denied }
        }
        if let inputID = turn.inputID { state.inputIDs.insert(inputID) }
        if let effort = turn.effort { state.effort = effort }
        if let toolFormat = turn.toolFormat { state.toolFormat = toolFormat }
        state.pendingInput.append(Items.userMessage(turn.prompt))
        state.turns.append(TurnRecord(turn: turn.turn, prompt: turn.prompt, status: .running))
        state.turnFirstCall = state.toolCalls.count
        state.turnFirstResponse = state.responsesCompleted
        state.status = .running
        state.endReason = nil
        state.lastError = nil
        state.retryWait = nil
        state.overflowCompacted = false
        state.incompleteContinuations = 0
        state.continuesIncomplete = false
        state.compactionPending = false
    }

    /// A fork's history: the parent's conversation and turns, with no chain to continue (its first request sends the
    /// conversation whole).
    static func applyForked(_ state: inout RunState, _ forked: RunForked) {
        state.conversation = forked.conversation
        state.turns = forked.turns
        state.outputText = forked.outputText
        state.lastResponseID = nil
        state.chainIntact = false
    }

    /// Whether `event` opens a turn after `turn`: replaying a run through turn `turn` stops before it.
    public static func opensTurn(after turn: Int, _ event: LedgerEvent) -> Bool {
        guard event.kind == .run, event.type == RunEventType.turnStarted else { return false }
        guard let started = try? JSONCoding.decode(TurnStarted.self, from: event.payload) else { return false }
        return started.turn > turn
    }
}

extension RunState {
    /// Outputs answering every call that has not finished, as if it was never run: what a new turn or a fork sends
    /// for calls the ended turn left open.
    public func closingOutputs() -> [JSONValue] {
        unfinishedCalls.map { call in
            let reason =
                call.status == .running
                ? "the outcome of this call is unknown: agentd stopped while it ran, and the turn ended without it"
                : "this call was not run: the turn ended before it ran"
            let output = (try? JSONCoding.encode(JSONValue.object(["error": .string(reason)]))) ?? #"{"error":"not run"}"#
            return Items.toolOutput(for: call, output: output, exitCode: nil)
        }
    }

    /// The history a fork through this state's last turn starts from (the state replayed through that turn).
    ///
    /// - Parameter parent: the run being forked.
    public func forkHistory(parent: RunID) -> RunForked {
        RunForked(
            parentRunID: parent, turn: turns.count, turns: turns,
            conversation: ConversationCompaction.pruned(conversation + pendingInput + closingOutputs()),
            outputText: outputText)
    }
}
