import AgentModel

/// A ``RunFeed``'s registration with the ``EventHub``: its mailbox of live events, unsubscribed when the feed
/// ends or, if the feed is abandoned half-way, when this object goes away.
final class LiveSubscription: Sendable {
    let hub: EventHub
    let run: RunID
    let id: UInt64
    let mailbox: LiveEventMailbox

    init(hub: EventHub, run: RunID) {
        self.hub = hub
        self.run = run
        (id, mailbox) = hub.subscribe(to: run)
    }

    /// Stops receiving live events.
    func cancel() {
        hub.unsubscribe(id, run: run)
    }

    deinit { hub.unsubscribe(id, run: run) }
}
