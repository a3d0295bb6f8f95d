import AgentProtocol

/// One subscription's items, pulled a batch at a time by the connection's pump task itself, so a backend that
/// can hand over whole commit batches (e.g. a `RunFeed`) costs no task or buffer of its own between the ledger's
/// fan-out and the connection's queue.
///
/// A batch read from the ledger (``AttachBatch/fromLedger``) is queued at the writer's pace; live events never
/// wait for the client (see ``OutboundQueue``).
///
/// `nextBatch` is called by one task only, one call at a time; nil (or cancellation of that task) ends the
/// subscription. When the pump stops early (cut off, detach) the value is dropped: release the source in the
/// deinit of whatever `nextBatch` captured.
public struct AttachBatches: Sendable {
    public let nextBatch: @Sendable () async -> AttachBatch?

    /// - Parameter batches: the next batch, whose items end with ``AttachItem/ended(reason:nextSeq:)``, or nil
    ///   when the run ended.
    public init(batches: @escaping @Sendable () async -> AttachBatch?) {
        nextBatch = batches
    }

    /// Batches whose origin is unknown, all queued as live events.
    ///
    /// - Parameter next: the next non-empty batch of items in seq order, ending with
    ///   ``AttachItem/ended(reason:nextSeq:)`` or nil when the run ended.
    public init(next: @escaping @Sendable () async -> [AttachItem]?) {
        nextBatch = { await next().map { AttachBatch(items: $0, fromLedger: false) } }
    }

    /// One item per batch from a backend's ``ControlBackend/attach(_:fromSeq:)`` stream, all queued as live.
    public init(_ stream: AsyncStream<AttachItem>) {
        let source = StreamSource(stream)
        self.init(next: { await source.next().map { [$0] } })
    }
}

/// Holds a stream's iterator for ``AttachBatches/init(_:)``; only the pump calls `next`. Dropping it drops the
/// stream, which fires the backend's `onTermination`.
private final class StreamSource: @unchecked Sendable {
    private var iterator: AsyncStream<AttachItem>.Iterator?

    init(_ stream: AsyncStream<AttachItem>) {
        iterator = stream.makeAsyncIterator()
    }

    func next() async -> AttachItem? {
        guard var current = iterator else { return nil }
        let item = await current.next()
        iterator = item == nil ? nil : current
        return item
    }
}
