import AgentModel

extension RunDriver {
    /// How an event reaches the ledger.
    enum Commit {
        /// Commit now and wait: the next step acts on it.
        case durable
        /// Queue now for the next group commit (streamed deltas: clients see them as soon as they commit).
        case streamed
        /// Keep until the next durable event and commit both in one transaction (terminal frames, tool results).
        case withNext
    }

    /// Appends one event: folds it into the state, then commits it as `commit` says.
    ///
    /// `blobs` (content the payload references by hash) are committed in the same transaction as the event.
    func record<Payload: Encodable>(
        _ kind: EventKind, _ type: String, _ payload: Payload, blobs: [LedgerBlob] = [], commit: Commit = .durable
    ) async throws {
        try await record(kind, type, rawPayload: JSONCoding.encode(payload), blobs: blobs, commit: commit)
    }

    /// Appends one event whose payload is already JSON text (upstream frames, byte for byte).
    ///
    /// The event is queued before this returns or suspends (``EventStore/append(_:)`` is nonsending), so
    /// events reach the ledger in seq order even when calls on this actor interleave.
    func record(
        _ kind: EventKind, _ type: String, rawPayload: String, parsed: JSONValue? = nil, blobs: [LedgerBlob] = [],
        commit: Commit
    ) async throws {
        var event = LedgerEvent(
            runID: id, seq: state.lastSeq + 1, timestampMillis: LedgerEvent.nowMillis(), kind: kind, type: type,
            payload: rawPayload)
        event.blobs = blobs
        RunReducer.reduce(&state, event, parsed: parsed)
        switch commit {
        case .durable:
            let batch = held + [event]
            held = []
            let start = ContinuousClock.now
            try await store.append(batch)
            configuration.metrics.committed(in: ContinuousClock.now - start)
        case .streamed:
            let batch = held + [event]
            held = []
            store.enqueue(batch)
        case .withNext:
            held.append(event)
        }
    }
}
