extension WebSocketPool {
    /// A stream of connection events from now on (opened, failed to connect, closed), for observers such as
    /// ``AutoUpstream``'s fallback decision. Ends when the pool stops; cancel the iteration to unsubscribe.
    public func connectionEvents() -> AsyncStream<UpstreamConnectionEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: UpstreamConnectionEvent.self)
        guard !shutDown else {
            continuation.finish()
            return stream
        }
        let id = nextSubscriberID
        nextSubscriberID += 1
        eventSubscribers[id] = continuation
        continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
        return stream
    }

    private func unsubscribe(_ id: UInt64) {
        eventSubscribers[id] = nil
    }

    func emit(_ event: UpstreamConnectionEvent) {
        for subscriber in eventSubscribers.values { subscriber.yield(event) }
    }

    func finishEventSubscribers() {
        let subscribers = eventSubscribers
        eventSubscribers = [:]
        for subscriber in subscribers.values { subscriber.finish() }
    }
}
