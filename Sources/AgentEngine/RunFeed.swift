import AgentModel

/// A run's events from a sequence number on: committed history from the ledger, then live events.
///
/// Pull-based: the consumer's pace sets the pace, the run never waits for it. Live events that overflowed
/// the subscription buffer, or that raced the history read, are re-read from the ledger, so the consumer
/// sees every event exactly once, in order.
public struct RunFeed: AsyncSequence, Sendable {
    public typealias Element = RunFeedItem

    let run: RunID
    let fromSeq: Int64
    let store: any EventStore
    let hub: EventHub
    let isActive: @Sendable (RunID) async -> Bool
    let pageSize: Int

    public func makeAsyncIterator() -> Iterator {
        let subscription = hub.subscribe(to: run)
        return Iterator(feed: self, subscriptionID: subscription.id, live: subscription.events.makeAsyncIterator())
    }

    /// Pulls the next item; see ``RunFeed``.
    public struct Iterator: AsyncIteratorProtocol {
        let feed: RunFeed
        let subscriptionID: UInt64
        var live: AsyncStream<LedgerEvent>.Iterator
        var nextSeq: Int64
        var buffered: [LedgerEvent] = []
        var readingHistory = true
        var ending: RunFeedEnd?
        var finished = false

        init(feed: RunFeed, subscriptionID: UInt64, live: AsyncStream<LedgerEvent>.Iterator) {
            self.feed = feed
            self.subscriptionID = subscriptionID
            self.live = live
            self.nextSeq = Swift.max(0, feed.fromSeq)
        }

        public mutating func next() async throws -> RunFeedItem? {
            while !finished {
                if !buffered.isEmpty {
                    let event = buffered.removeFirst()
                    if event.seq < nextSeq { continue }
                    return deliver(event)
                }
                if let ending {
                    finish()
                    return .ended(reason: ending, nextSeq: nextSeq)
                }
                if readingHistory {
                    buffered = try await feed.store.events(of: feed.run, fromSeq: nextSeq, limit: feed.pageSize)
                    if buffered.isEmpty {
                        readingHistory = false
                        if await !feed.isActive(feed.run) {
                            // A run that just ended committed its last event before it stopped being active.
                            buffered = try await feed.store.events(of: feed.run, fromSeq: nextSeq, limit: feed.pageSize)
                            if buffered.isEmpty { ending = .runNotActive }
                            readingHistory = !buffered.isEmpty
                        }
                    }
                    continue
                }
                guard let event = await live.next() else {
                    ending = .daemonShutdown
                    continue
                }
                if event.seq < nextSeq { continue }
                if event.seq > nextSeq {
                    // Dropped by the bounded buffer: the ledger has them.
                    readingHistory = true
                    continue
                }
                return deliver(event)
            }
            return nil
        }

        private mutating func deliver(_ event: LedgerEvent) -> RunFeedItem {
            nextSeq = event.seq + 1
            if event.kind == .run && RunFeed.endingTypes.contains(event.type) {
                ending = .runEnded
            }
            return .event(event)
        }

        private mutating func finish() {
            finished = true
            feed.hub.unsubscribe(subscriptionID, run: feed.run)
        }
    }

    /// Lifecycle events after which a run produces nothing more until resumed.
    static let endingTypes: Set<String> = [
        RunEventType.completed, RunEventType.failed, RunEventType.cancelled, RunEventType.interrupted,
    ]
}
