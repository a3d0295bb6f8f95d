import AgentModel

/// A run's events from a sequence number on: committed history from the ledger, then live events.
///
/// Pull-based: the consumer's pace sets the pace, the run never waits for it. Live events that overflowed
/// the subscription buffer, or that raced the history read, are re-read from the ledger, so the consumer
/// sees every event exactly once, in order. ``Iterator/nextBatch(max:)`` hands over everything that is ready
/// at once, so a consumer pays one wake-up per commit batch rather than per event.
public struct RunFeed: AsyncSequence, Sendable {
    public typealias Element = RunFeedItem

    let run: RunID
    let fromSeq: Int64
    let store: any EventStore
    let hub: EventHub
    let isActive: @Sendable (RunID) async -> Bool
    let pageSize: Int
    /// Follow the conversation across turns: the end of a turn (or a run with nothing running) does not end the feed,
    /// which waits for the next turn's events instead (until detached or the daemon stops).
    var acrossTurns = false

    public func makeAsyncIterator() -> Iterator {
        Iterator(feed: self, live: LiveSubscription(hub: hub, run: run))
    }

    /// Pulls the next item; see ``RunFeed``.
    public struct Iterator: AsyncIteratorProtocol {
        let feed: RunFeed
        let live: LiveSubscription
        var nextSeq: Int64
        /// Events read (history page or live batch) and not yet handed out, from `bufferedIndex` on.
        var buffered: [LedgerEvent] = []
        var bufferedIndex = 0
        /// `buffered` is a ledger page (gapless), not a live batch.
        var bufferIsHistory = false
        /// The live batch that was just taken dropped events after its last one: read them from the ledger.
        var liveGap = false
        var readingHistory = true
        var ending: RunFeedEnd?
        var finished = false
        /// Some event of the last ``nextBatch(max:)`` was read from the ledger (history or a refilled gap)
        /// rather than taken live: its consumer may make it wait, the run is not waiting on it.
        public private(set) var batchFromLedger = false

        init(feed: RunFeed, live: LiveSubscription) {
            self.feed = feed
            self.live = live
            self.nextSeq = Swift.max(0, feed.fromSeq)
        }

        public mutating func next() async throws -> RunFeedItem? {
            while !finished {
                if bufferedIndex < buffered.count {
                    let event = buffered[bufferedIndex]
                    bufferedIndex += 1
                    if event.seq < nextSeq { continue }
                    if event.seq > nextSeq && !bufferIsHistory {
                        // Dropped by the bounded live buffer (or raced the history read): the ledger has them.
                        readHistoryNext()
                        continue
                    }
                    return deliver(event)
                }
                if ending == .runEnded {
                    // A turn's end is the run's end only if nothing follows it: a resumed run, or the next turn of a
                    // conversation, goes on in the same feed.
                    do {
                        let after = try await feed.store.events(of: feed.run, fromSeq: nextSeq, limit: feed.pageSize)
                        if !after.isEmpty {
                            ending = nil
                            buffered = after
                            bufferedIndex = 0
                            bufferIsHistory = true
                            readingHistory = true
                            continue
                        }
                    } catch {
                        ending = .ledgerUnreadable
                    }
                }
                if feed.acrossTurns, ending == .runEnded || ending == .runNotActive {
                    // The next turn's events arrive live (the subscription has listened since the feed began).
                    ending = nil
                    readingHistory = false
                    continue
                }
                if let ending {
                    finish()
                    return .ended(reason: ending, nextSeq: nextSeq)
                }
                if liveGap {
                    readHistoryNext()
                    continue
                }
                if readingHistory {
                    do {
                        try await readHistory()
                    } catch {
                        // Never reported as the run's end: the client learns where to reattach from.
                        ending = .ledgerUnreadable
                    }
                    continue
                }
                guard let batch = await live.mailbox.take() else {
                    ending = .daemonShutdown
                    continue
                }
                buffered = batch.events
                bufferedIndex = 0
                bufferIsHistory = false
                liveGap = batch.dropped
            }
            return nil
        }

        /// The next item and every further one that is ready without waiting (at most `max`); nil when over.
        public mutating func nextBatch(max: Int = 1024) async throws -> [RunFeedItem]? {
            batchFromLedger = false
            guard let first = try await next() else { return nil }
            var batch = [first]
            while batch.count < max && !finished && (bufferedIndex < buffered.count || ending != nil) {
                guard let item = try await next() else { break }
                batch.append(item)
            }
            return batch
        }

        private mutating func readHistory() async throws {
            buffered = try await feed.store.events(of: feed.run, fromSeq: nextSeq, limit: feed.pageSize)
            bufferedIndex = 0
            bufferIsHistory = true
            guard buffered.isEmpty else { return }
            readingHistory = false
            if await !feed.isActive(feed.run) {
                // A run that just ended committed its last event before it stopped being active.
                buffered = try await feed.store.events(of: feed.run, fromSeq: nextSeq, limit: feed.pageSize)
                if buffered.isEmpty { ending = .runNotActive }
                readingHistory = !buffered.isEmpty
            }
        }

        private mutating func readHistoryNext() {
            buffered = []
            bufferedIndex = 0
            liveGap = false
            readingHistory = true
        }

        private mutating func deliver(_ event: LedgerEvent) -> RunFeedItem {
            nextSeq = event.seq + 1
            if bufferIsHistory { batchFromLedger = true }
            // An event after a turn's end (a resume, the next turn) means that end was not the run's.
            if ending == .runEnded { ending = nil }
            if event.kind == .run && RunFeed.endingTypes.contains(event.type) {
                ending = .runEnded
            }
            return .event(event)
        }

        private mutating func finish() {
            finished = true
            live.cancel()
        }
    }

    /// Lifecycle events after which a run produces nothing more until resumed.
    static let endingTypes: Set<String> = [
        RunEventType.completed, RunEventType.failed, RunEventType.cancelled, RunEventType.interrupted,
    ]
}
