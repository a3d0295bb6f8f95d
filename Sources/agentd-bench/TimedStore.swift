import AgentModel
import Synchronization

/// Wraps the ledger to time each durable append inside the turns (the benchmark prints the distribution).
final class TimedStore: EventStore {
    let inner: any EventStore
    let appendTimes = Mutex<[Duration]>([])

    init(inner: any EventStore) { self.inner = inner }

    nonisolated(nonsending) func append(_ events: [LedgerEvent]) async throws {
        let start = ContinuousClock.now
        try await inner.append(events)
        let elapsed = ContinuousClock.now - start
        appendTimes.withLock { $0.append(elapsed) }
    }

    func enqueue(_ events: [LedgerEvent]) { inner.enqueue(events) }
    func events(of run: RunID, fromSeq: Int64, limit: Int) async throws -> [LedgerEvent] {
        try await inner.events(of: run, fromSeq: fromSeq, limit: limit)
    }
    func runSummaries(limit: Int, before beforeID: RunID?) async throws -> [RunSummary] {
        try await inner.runSummaries(limit: limit, before: beforeID)
    }
    func unfinishedRuns() async throws -> [RunID] { try await inner.unfinishedRuns() }
    func recordCommand(_ command: CommandRecord) async throws { try await inner.recordCommand(command) }
}
