/// How steering frames change a run: the bookkeeping that keeps each steered input applied exactly once.
extension RunReducer {
    /// A `response.steer` frame left: its items move from the queue to ``RunState/steering``.
    static func applySteerSent(_ state: inout RunState, _ frame: JSONValue) {
        for item in Items.normalize(frame["input"]) {
            if let index = state.pendingInput.firstIndex(of: item) { state.pendingInput.remove(at: index) }
            state.steering.append(SteeringInput(item: item))
        }
    }

    /// The server answered a steer; answers come in the order the steers were sent.
    static func applySteerAnswer(_ state: inout RunState, _ type: String, _ frame: JSONValue) {
        switch type {
        case SteerEventType.accepted:
            guard let index = state.steering.firstIndex(where: { !$0.accepted }) else { return }
            state.steering[index].accepted = true
        case SteerEventType.pending:
            guard let index = state.steering.firstIndex(where: { $0.accepted && !$0.heldByServer }) else { return }
            state.steering[index].heldByServer = true
        case SteerEventType.failed:
            if frame["error"]?["code"]?.stringValue == SteerEventType.notSupportedCode {
                state.steeringUnsupported = true
            }
            guard let index = state.steering.firstIndex(where: { !$0.accepted }) else { return }
            // The input comes back: it goes into the next request instead.
            state.pendingInput.append(state.steering.remove(at: index).item)
        default:
            break
        }
    }

    /// The newest steer that was recorded but never written goes back to the queue.
    static func applySteerRequeued(_ state: inout RunState) {
        guard let index = state.steering.lastIndex(where: { !$0.accepted }) else { return }
        state.pendingInput.append(state.steering.remove(at: index).item)
    }

    /// A `response.created` applies every accepted steer the server did not hold back (the successor's input).
    static func applySteeredSuccessor(_ state: inout RunState) {
        let applied = state.steering.filter { $0.accepted && !$0.heldByServer }
        guard !applied.isEmpty else { return }
        state.conversation += applied.map(\.item)
        state.steering.removeAll { $0.accepted && !$0.heldByServer }
    }

    /// A `response.create` continuing the chain: the server prepends the held steers to its input.
    static func takeHeldSteers(_ state: inout RunState, continuing: Bool) -> [JSONValue] {
        guard continuing else { return [] }
        let held = state.steering.filter(\.heldByServer).map(\.item)
        state.steering.removeAll(where: \.heldByServer)
        return held
    }

    /// The chain broke or the response ended without applying them: unresolved steers go back to the queue
    /// (the server's state of them died with the response or the connection).
    static func requeueSteers(_ state: inout RunState) {
        guard !state.steering.isEmpty else { return }
        state.pendingInput += state.steering.map(\.item)
        state.steering = []
    }

    /// Whether an incomplete response ended only to apply steered input (a successor follows on the same stream).
    static func isSteeredIncomplete(_ response: UpstreamResponse?) -> Bool {
        response?.incompleteDetails?["reason"]?.stringValue == SteerEventType.steeredReason
    }

    /// A response ended at a safe boundary for steering: its partial output joins the conversation and it becomes
    /// the parent of the successor the server starts itself.
    static func applySteeredIncomplete(_ state: inout RunState, _ response: UpstreamResponse) {
        let output = response.output ?? []
        state.conversation += output
        state.outputText += Items.messageText(output)
        state.lastResponseID = response.id
        state.chainIntact = true
        state.currentResponseID = nil
        // Still awaiting: the successor's events arrive on the same stream.
        state.awaitingResponse = true
    }
}
