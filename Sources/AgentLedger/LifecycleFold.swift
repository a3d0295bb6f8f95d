import AgentModel

/// Folds one run's lifecycle events (kind `run`, in seq order) into its listing: the same status rules as
/// ``RunReducer``, but without reading any delta.
struct LifecycleFold {
    var status: RunStatus = .running
    var model = ""
    var prompt = ""
    var createdAtMillis: Int64?
    var updatedAtMillis: Int64 = 0
    var turns = 0
    var lastPrompt: String?
    private var sawStart = false

    /// The status a lifecycle event of `type` moves a run to, or nil when it does not change it
    /// (`run.chain_reset` and types this build does not know).
    static func status(after type: String) -> RunStatus? {
        switch type {
        case RunEventType.started, RunEventType.turnStarted: .running
        case RunEventType.completed: .completed
        case RunEventType.failed: .failed
        case RunEventType.cancelled: .cancelled
        case RunEventType.interrupted: .interrupted
        default: nil
        }
    }

    /// Applies one lifecycle event; `payload` is only needed for `run.started`, `turn.started` and `run.forked`
    /// (of which only `{turn, last_prompt}` is read).
    mutating func apply(type: String, timestampMillis: Int64, payload: String?) {
        if let next = Self.status(after: type) { status = next }
        if createdAtMillis == nil { createdAtMillis = timestampMillis }
        updatedAtMillis = timestampMillis
        // The first start names the run; a later one (a resume) keeps its model and prompt.
        if type == RunEventType.started, !sawStart, let payload,
            let started = try? JSONCoding.decode(RunStarted.self, from: payload)
        {
            sawStart = true
            model = started.model
            prompt = started.prompt
            createdAtMillis = timestampMillis
            if started.prompt.isEmpty {
                status = .idle
            } else {
                turns = 1
                lastPrompt = started.prompt
            }
        }
        if type == RunEventType.turnStarted, let payload,
            let turn = try? JSONCoding.decode(TurnStarted.self, from: payload)
        {
            turns = max(turns, turn.turn)
            lastPrompt = turn.prompt
        }
        if type == RunEventType.forked, let payload, let forked = try? JSONCoding.decode(ForkSummary.self, from: payload) {
            turns = max(turns, forked.turn)
            lastPrompt = forked.lastPrompt
        }
    }

    /// The summary of run `id`.
    func summary(id: RunID) -> RunSummary {
        var summary = RunSummary(
            id: id, status: status, model: model, prompt: prompt,
            createdAtMillis: createdAtMillis ?? updatedAtMillis, updatedAtMillis: updatedAtMillis
        )
        summary.turns = turns
        summary.lastPrompt = lastPrompt
        return summary
    }
}

/// What the listing reads of a `run.forked` payload (the query extracts it; the conversation is never read).
private struct ForkSummary: Decodable {
    var turn: Int
    var lastPrompt: String?

    enum CodingKeys: String, CodingKey {
        case turn
        case lastPrompt = "last_prompt"
    }
}
