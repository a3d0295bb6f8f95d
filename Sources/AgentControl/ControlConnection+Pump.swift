import AgentModel
import AgentProtocol
import Foundation
import NIOCore

extension ControlConnection {
    /// Moves one subscription's items from the backend into the outbound queue, a batch at a time: one cache
    /// look-up and one queue lock per batch, and each event's shared JSON is queued as is (the line is assembled
    /// when written). Events read from the ledger wait for the writer to make room (the next batch is pulled only
    /// then); live events never wait, and overflowing the queue cuts the subscription off.
    func startPump(subscription: String, runID: RunID, stream: AttachBatches) {
        let queue = self.queue
        let eventLines = context.eventLines
        let template = RunEventLineTemplate(subscriptionID: subscription, runID: runID)
        let task = Task {
            while let next = await stream.nextBatch() {
                let batch = next.items
                let events = batch.compactMap { item -> LedgerEvent? in
                    if case .event(let event) = item { return event }
                    return nil
                }
                if !events.isEmpty {
                    // The event's JSON is encoded once for every connection; only the ids are spliced in.
                    let lines = zip(events, eventLines.eventJSON(events)).map { event, json in
                        (seq: event.seq, line: OutboundLine.event(json: json, template: template))
                    }
                    // Live: never waits, either queued or the subscription is over (cut off, detached, closing).
                    // Ledger: waits for room, so a client that reads gets all history whatever the queue limit.
                    let queued =
                        next.fromLedger
                        ? await queue.enqueueLedgerEvents(subscription: subscription, lines)
                        : queue.enqueueEvents(subscription: subscription, lines)
                    guard queued else {
                        self.pumpEnded(subscription)
                        return
                    }
                }
                for case .ended(let reason, _) in batch {
                    queue.end(subscription: subscription, reason: reason)
                    self.pumpEnded(subscription)
                    return
                }
            }
            // The stream finished by itself (run ended), or we were cancelled (detach/shutdown already ended it).
            queue.end(subscription: subscription, reason: .runEnded)
            self.pumpEnded(subscription)
        }
        let keep = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.pumps[subscription] = task
            return true
        }
        if !keep {
            task.cancel()
            queue.end(subscription: subscription, reason: .daemonShutdown)
        }
    }

    private func pumpEnded(_ subscription: String) {
        state.withLock { state in
            // Keep the task while the connection is closing so `run` can await it.
            if !state.closed { state.pumps[subscription] = nil }
        }
    }
}
