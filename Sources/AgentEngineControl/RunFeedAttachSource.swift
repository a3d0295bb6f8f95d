import AgentControl
import AgentEngine
import AgentProtocol

/// A run's ``RunFeed`` as what the control server attaches to: the one adapter between the engine's feed and the
/// control API, shared by the daemon's backend and the fan-out benchmark's.
///
/// ``batches`` is pulled by the connection's pump itself, a commit batch at a time; only the pump calls it, and
/// dropping the source ends the feed's live subscription.
public final class RunFeedAttachSource: @unchecked Sendable {
    private var iterator: RunFeed.Iterator?

    public init(_ feed: RunFeed) {
        iterator = feed.makeAsyncIterator()
    }

    /// The feed in batches, for ``ControlBackend/attachBatches(_:fromSeq:)``.
    public var batches: AttachBatches {
        AttachBatches(batches: { await self.next() })
    }

    /// The feed item by item, for ``ControlBackend/attach(_:fromSeq:)``: a task reads the feed at the consumer's
    /// pace and ends with the stream's consumer.
    public var items: AsyncStream<AttachItem> {
        let (stream, continuation) = AsyncStream.makeStream(of: AttachItem.self)
        let task = Task {
            while let batch = await self.next() {
                for item in batch.items { continuation.yield(item) }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func next() async -> AttachBatch? {
        guard var current = iterator else { return nil }
        // The feed reports a failed ledger read as its end (`ledger_unreadable`), never by throwing.
        let batch = try? await current.nextBatch()
        iterator = batch == nil ? nil : current
        return batch.map { AttachBatch(items: $0.map(Self.attachItem), fromLedger: current.batchFromLedger) }
    }

    private static func attachItem(_ item: RunFeedItem) -> AttachItem {
        switch item {
        case .event(let event): .event(event)
        case .ended(let reason, let nextSeq):
            .ended(reason: AttachEndReason(rawValue: reason.rawValue), nextSeq: nextSeq)
        }
    }
}
