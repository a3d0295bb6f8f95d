import AgentModel
import Synchronization
import Testing
import TestSupport

@testable import AgentEngine

/// The run feed's batch hand-over and its refill from the ledger when the bounded live buffer overflows.
struct RunFeedBatchTests {
    static let run = RunID(rawValue: "run_feedbatch")

    static func event(_ seq: Int64, type: String = "response.output_text.delta") -> LedgerEvent {
        LedgerEvent(
            runID: run, seq: seq, timestampMillis: 0, kind: seq == 0 ? .run : .upstreamIn,
            type: seq == 0 ? RunEventType.started : type, payload: "{\"n\":\(seq)}")
    }

    static func completed(_ seq: Int64) -> LedgerEvent {
        LedgerEvent(runID: run, seq: seq, timestampMillis: 0, kind: .run, type: RunEventType.completed, payload: "{}")
    }

    /// Drains `iterator` with `nextBatch`, returning the batches.
    static func drain(_ iterator: inout RunFeed.Iterator) async throws -> [[RunFeedItem]] {
        var batches: [[RunFeedItem]] = []
        while let batch = try await iterator.nextBatch() { batches.append(batch) }
        return batches
    }

    @Test func aCommitBatchAndTheEndComeAsOneBatch() async throws {
        let hub = EventHub()
        let store = InMemoryEventStore(observer: { hub.publish($0) })
        store.enqueue((0..<10).map { Self.event($0) } + [Self.completed(10)])
        let feed = RunFeed(run: Self.run, fromSeq: 0, store: store, hub: hub, isActive: { _ in false }, pageSize: 64)
        var iterator = feed.makeAsyncIterator()
        let batches = try await Self.drain(&iterator)
        let expected: [[RunFeedItem]] = [
            (0..<10).map { .event(Self.event($0)) } + [
                .event(Self.completed(10)), .ended(reason: .runEnded, nextSeq: 11),
            ]
        ]
        #expect(batches == expected)
        let remaining = hub.subscriptionCount
        #expect(remaining == 0)
    }

    /// Following a conversation, the batch that ends a turn is handed over at once: it must not wait (held back
    /// from the client) until the next turn's first event.
    @Test func acrossTurnsTheBatchEndingATurnIsHandedOverWithoutWaitingForTheNextTurn() async throws {
        let hub = EventHub()
        let store = InMemoryEventStore(observer: { hub.publish($0) })
        store.enqueue((0..<3).map { Self.event($0) } + [Self.completed(3)])
        var feed = RunFeed(run: Self.run, fromSeq: 0, store: store, hub: hub, isActive: { _ in false }, pageSize: 64)
        feed.acrossTurns = true
        let following = feed
        let first = try await withTimeout(.seconds(20), "the first turn's batch") {
            var iterator = following.makeAsyncIterator()
            return try await iterator.nextBatch()
        }
        #expect(first == (0..<3).map { .event(Self.event($0)) } + [.event(Self.completed(3))])
    }

    @Test func liveEventsBeyondTheBufferAreReadFromTheLedgerExactlyOnce() async throws {
        let hub = EventHub(bufferLimit: 4)
        let store = InMemoryEventStore(observer: { hub.publish($0) })
        let committed = Mutex(false)
        // Called once the feed found no history and is about to wait for live events: commit 20 events one by
        // one, which overflows the 4-event live buffer, then the end of the run.
        let isActive: @Sendable (RunID) async -> Bool = { _ in
            let first = committed.withLock { done -> Bool in
                defer { done = true }
                return !done
            }
            if first {
                for seq in 0..<20 { store.enqueue([Self.event(Int64(seq))]) }
                store.enqueue([Self.completed(20)])
            }
            return true
        }
        let feed = RunFeed(run: Self.run, fromSeq: 0, store: store, hub: hub, isActive: isActive, pageSize: 8)
        var iterator = feed.makeAsyncIterator()
        let items = try await Self.drain(&iterator).flatMap { $0 }
        let expected: [RunFeedItem] =
            (0..<20).map { .event(Self.event(Int64($0))) } + [
                .event(Self.completed(20)), .ended(reason: .runEnded, nextSeq: 21),
            ]
        #expect(items == expected)
        let remaining = hub.subscriptionCount
        #expect(remaining == 0)
    }

    @Test func batchesSayWhetherTheyWereReadFromTheLedgerOrTakenLive() async throws {
        let hub = EventHub()
        let store = InMemoryEventStore(observer: { hub.publish($0) })
        store.enqueue((0..<5).map { Self.event($0) })
        let committed = Mutex(false)
        // Once the history is read: two live events and the end, within the live buffer.
        let isActive: @Sendable (RunID) async -> Bool = { _ in
            let first = committed.withLock { done -> Bool in
                defer { done = true }
                return !done
            }
            if first { store.enqueue([Self.event(5), Self.event(6), Self.completed(7)]) }
            return true
        }
        let feed = RunFeed(run: Self.run, fromSeq: 0, store: store, hub: hub, isActive: isActive, pageSize: 64)
        var iterator = feed.makeAsyncIterator()
        var origins: [(seqs: [Int64], fromLedger: Bool)] = []
        while let batch = try await iterator.nextBatch() {
            let seqs = batch.compactMap { item -> Int64? in
                if case .event(let event) = item { return event.seq }
                return nil
            }
            origins.append((seqs, iterator.batchFromLedger))
        }
        let history = origins.filter(\.fromLedger).flatMap(\.seqs)
        let live = origins.filter { !$0.fromLedger }.flatMap(\.seqs)
        #expect(history == [0, 1, 2, 3, 4])
        #expect(live == [5, 6, 7])
    }

    @Test func aFailedLedgerReadEndsTheFeedWhereItStoppedNotAsTheRunsEnd() async throws {
        let hub = EventHub()
        let store = InMemoryEventStore(observer: { hub.publish($0) })
        store.enqueue((0..<5).map { Self.event($0) })
        store.failReads.withLock { $0 = 2 }
        let feed = RunFeed(run: Self.run, fromSeq: 0, store: store, hub: hub, isActive: { _ in true }, pageSize: 2)
        var iterator = feed.makeAsyncIterator()
        let items = try await Self.drain(&iterator).flatMap { $0 }
        let expected: [RunFeedItem] = [
            .event(Self.event(0)), .event(Self.event(1)), .ended(reason: .ledgerUnreadable, nextSeq: 2),
        ]
        #expect(items == expected)
        let remaining = hub.subscriptionCount
        #expect(remaining == 0)
    }

    @Test func anAbandonedFeedUnsubscribes() async throws {
        let hub = EventHub()
        let store = InMemoryEventStore(observer: { hub.publish($0) })
        store.enqueue([Self.event(0)])
        do {
            let feed = RunFeed(run: Self.run, fromSeq: 0, store: store, hub: hub, isActive: { _ in true }, pageSize: 8)
            var iterator = feed.makeAsyncIterator()
            let first = try await iterator.next()
            #expect(first == .event(Self.event(0)))
        }
        let remaining = hub.subscriptionCount
        #expect(remaining == 0)
    }
}
