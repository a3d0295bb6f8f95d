/// Ledger event types of `POST /responses/compact`: the request (kind `upstream_out`) and its answer
/// (kind `upstream_in`, typed by the answer's `object`, or `error` for a failed call).
public enum CompactionEventType {
    /// The request body sent to `/responses/compact`.
    public static let request = "responses.compact"
    /// The `response.compaction` object answered.
    public static let answer = "response.compaction"
}

/// `incomplete_details.reason` values agentd reacts to.
public enum IncompleteReason {
    public static let maxOutputTokens = "max_output_tokens"
    public static let contentFilter = "content_filter"
}

extension RunState {
    /// Responses in a row a run continues after `max_output_tokens` before it fails as runaway.
    public static let maxIncompleteContinuations = 4
}

extension RunReducer {
    /// The compacted conversation replaces the conversation: a new chain starts from it (the pending tool outputs
    /// were part of what was compacted, since the failed request had already put them in the conversation).
    static func applyCompactionAnswer(_ state: inout RunState, _ json: JSONValue) {
        state.compactionPending = false
        guard let output = json["output"]?.arrayValue else { return }
        state.conversation = ConversationCompaction.pruned(output)
        state.compactions += output.filter { $0["type"]?.stringValue == ConversationCompaction.itemType }.count
        state.pendingInput = []
        state.lastError = nil
        state.chainIntact = false
        state.lastResponseID = nil
        state.needsResend = true
        // Once per request: if the new chain's request overflows too, the run fails instead of compacting again.
        state.overflowCompacted = true
    }

    /// A response cut at `max_output_tokens`: keep what it produced and continue it with no new input, a bounded
    /// number of times in a row.
    static func applyCutResponse(_ state: inout RunState, _ response: UpstreamResponse) {
        completeResponse(&state, response)
        state.incompleteContinuations += 1
        if state.incompleteContinuations > RunState.maxIncompleteContinuations {
            state.lastError = UpstreamError(
                code: IncompleteReason.maxOutputTokens,
                message: "the model's answer was cut at max_output_tokens \(state.incompleteContinuations) times in a "
                    + "row; raise max_output_tokens")
        } else if state.unfinishedCalls.isEmpty && state.pendingInput.isEmpty {
            state.continuesIncomplete = true
        }
    }

    /// The `incomplete_details.reason` of a response, if any.
    static func incompleteReason(_ response: UpstreamResponse?) -> String? {
        response?.incompleteDetails?["reason"]?.stringValue
    }

    /// A clear error for a response that ended incomplete for a reason agentd does not continue from.
    static func incompleteError(_ response: UpstreamResponse?) -> UpstreamError? {
        guard let reason = incompleteReason(response) else { return nil }
        if reason == IncompleteReason.contentFilter {
            return UpstreamError(
                code: reason, message: "the model's output was stopped by the content filter; the turn ends here")
        }
        return UpstreamError(code: reason, message: "the response ended incomplete (\(reason))")
    }
}
