import AgentModel

/// What the events of a followed run say about it, for the summary when agentd can no longer be asked.
struct RunTally: Equatable {
    /// The status the last run-ending event recorded (`nil` while none was seen, or after a later `run.resumed`).
    var endStatus: RunStatus?
    var endReason: String?
    var toolCalls = 0
    var firstMillis: Int64?
    var lastMillis: Int64?

    mutating func add(_ event: LedgerEvent) {
        if firstMillis == nil { firstMillis = event.timestampMillis }
        lastMillis = event.timestampMillis
        switch (event.kind, event.type) {
        case (.tool, ToolEventType.finished):
            toolCalls += 1
        case (.run, RunEventType.completed): end(.completed, event)
        case (.run, RunEventType.failed): end(.failed, event)
        case (.run, RunEventType.cancelled): end(.cancelled, event)
        case (.run, RunEventType.interrupted): end(.interrupted, event)
        case (.run, RunEventType.resumed), (.run, "turn.started"):
            // The run went on after the end seen so far (a resume, or a conversation's next turn).
            endStatus = nil
            endReason = nil
        default:
            break
        }
    }

    private mutating func end(_ status: RunStatus, _ event: LedgerEvent) {
        endStatus = status
        endReason = (try? JSONCoding.decode(RunEnded.self, from: event.payload))?.reason
    }
}
