import AgentProtocol

/// One batch of a subscription's items and where its events came from, which decides how the pump queues them.
public struct AttachBatch: Sendable {
    /// Items in seq order, never empty.
    public var items: [AttachItem]
    /// The events were read from the ledger (history, or a live gap refilled from it), not handed over as they
    /// were committed: they can wait for the client to drain its queue, where live events cut a client off.
    public var fromLedger: Bool

    public init(items: [AttachItem], fromLedger: Bool) {
        self.items = items
        self.fromLedger = fromLedger
    }
}
