import AgentModel
import Synchronization

/// An event store that keeps events in memory and commits at once: separates the ledger's cost from the
/// rest of a turn in the overhead benchmark (`--sync none`).
final class NullEventStore: EventStore {
    private let events = Mutex<[RunID: [LedgerEvent]]>([:])
    private let observer: @Sendable ([LedgerEvent]) -> Void

    init(observer: @escaping @Sendable ([LedgerEvent]) -> Void) { self.observer = observer }

    nonisolated(nonsending) func append(_ new: [LedgerEvent]) async throws { enqueue(new) }

    func enqueue(_ new: [LedgerEvent]) {
        events.withLock { stored in
            for event in new { stored[event.runID, default: []].append(event) }
        }
        observer(new)
    }

    func events(of run: RunID, fromSeq: Int64, limit: Int) async throws -> [LedgerEvent] {
        events.withLock { stored in
            Array((stored[run] ?? []).drop { $0.seq < fromSeq }.prefix(limit))
        }
    }

    func runSummaries(limit: Int, before beforeID: RunID?) async throws -> [RunSummary] { [] }
    func unfinishedRuns() async throws -> [RunID] { [] }
    func recordCommand(_ command: CommandRecord) async throws {}
}
