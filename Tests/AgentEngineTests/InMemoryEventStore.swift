import AgentModel
import Synchronization

/// An ``EventStore`` in memory, for engine tests: commits at once, publishes to an observer like the ledger.
final class InMemoryEventStore: EventStore {
    private let events = Mutex<[LedgerEvent]>([])
    private let observer: @Sendable ([LedgerEvent]) -> Void

    init(observer: @escaping @Sendable ([LedgerEvent]) -> Void = { _ in }) {
        self.observer = observer
    }

    var all: [LedgerEvent] { events.withLock { $0 } }

    /// Reads from this seq on fail (a damaged or unreadable ledger).
    let failReads = Mutex<Int64?>(nil)

    struct ReadFailure: Error {}

    /// A second event with a run's seq, refused as the ledger's UNIQUE(run, seq) refuses it.
    struct DuplicateSeq: Error, Equatable {
        var runID: RunID
        var seq: Int64
    }

    nonisolated(nonsending) func append(_ new: [LedgerEvent]) async throws {
        try events.withLock { stored in
            for event in new where stored.contains(where: { $0.runID == event.runID && $0.seq == event.seq }) {
                throw DuplicateSeq(runID: event.runID, seq: event.seq)
            }
        }
        enqueue(new)
    }

    func enqueue(_ new: [LedgerEvent]) {
        events.withLock { stored in
            for event in new {
                precondition(
                    !stored.contains { $0.runID == event.runID && $0.seq == event.seq }, "duplicate seq \(event.seq)")
                stored.append(event)
            }
            observer(new)
        }
    }

    func events(of run: RunID, fromSeq: Int64, limit: Int) async throws -> [LedgerEvent] {
        if let failing = failReads.withLock({ $0 }), fromSeq >= failing { throw ReadFailure() }
        return events.withLock { stored in
            Array(stored.filter { $0.runID == run && $0.seq >= fromSeq }.sorted { $0.seq < $1.seq }.prefix(limit))
        }
    }

    func runSummaries(limit: Int, before beforeID: RunID?) async throws -> [RunSummary] { [] }

    func unfinishedRuns() async throws -> [RunID] {
        let ids = Set(all.map(\.runID))
        return ids.filter { id in !RunReducer.replay(id, all.filter { $0.runID == id }).status.isTerminal }.sorted()
    }

    func recordCommand(_ command: CommandRecord) async throws {}
}
