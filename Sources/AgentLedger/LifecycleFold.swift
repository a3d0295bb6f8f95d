import AgentModel

/// Folds one run's lifecycle events (kind `run`, in seq order) into its listing: the same status rules as
/// ``RunReducer``, but without reading any delta.
struct LifecycleFold {
    var status: RunStatus = .running
    var model = ""
    var prompt = ""
    var createdAtMillis: Int64?
    var updatedAtMillis: Int64 = 0
    private var sawStart = false

    /// The status a lifecycle event of `type` moves a run to, or nil when it does not change it
    /// (`run.chain_reset` and types this build does not know).
    static func status(after type: String) -> RunStatus? {
        switch type {
        case RunEventType.started: .running
        case RunEventType.completed: .completed
        case RunEventType.failed: .failed
        case RunEventType.cancelled: .cancelled
        case RunEventType.interrupted: .interrupted
        default: nil
        }
    }

    /// Applies one lifecycle event; `payload` is only needed for `run.started`.
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
        }
    }

    /// The summary of run `id`.
    func summary(id: RunID) -> RunSummary {
        RunSummary(
            id: id, status: status, model: model, prompt: prompt,
            createdAtMillis: createdAtMillis ?? updatedAtMillis, updatedAtMillis: updatedAtMillis
        )
    }
}
