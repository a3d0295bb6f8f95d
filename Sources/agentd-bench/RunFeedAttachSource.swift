import AgentControl
import AgentEngine
import AgentProtocol

/// A ``RunFeed`` as a subscription's ``AttachBatches``: the connection's pump pulls the feed itself, a commit
/// batch at a time. Only the pump calls `next`; dropping the source ends the feed's live subscription.
final class RunFeedAttachSource: @unchecked Sendable {
    private var iterator: RunFeed.Iterator?

    init(_ feed: RunFeed) {
        iterator = feed.makeAsyncIterator()
    }

    /// The feed as batches for the control server.
    var batches: AttachBatches {
        AttachBatches { await self.next() }
    }

    private func next() async -> [AttachItem]? {
        guard var current = iterator else { return nil }
        do {
            let batch = try await current.nextBatch()
            iterator = batch == nil ? nil : current
            return batch?.map(Self.attachItem)
        } catch {
            // A ledger read failed: the subscription ends without a marker and the client reattaches from the
            // last seq it saw.
            iterator = nil
            return nil
        }
    }

    static func attachItem(_ item: RunFeedItem) -> AttachItem {
        switch item {
        case .event(let event): .event(event)
        case .ended(let reason, let nextSeq): .ended(reason: AttachEndReason(rawValue: reason.rawValue), nextSeq: nextSeq)
        }
    }
}
