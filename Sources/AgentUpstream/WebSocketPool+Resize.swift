import AgentModel

extension WebSocketPool {
    /// Changes the number of connections while the pool runs (`upstream.connections` on a reload).
    ///
    /// Growing adds slots that connect at once. Shrinking removes the highest slots the way rotation replaces an old
    /// connection: their leases go stale at once (each run moves at its next turn and rebuilds its input from its
    /// ledger), a response in flight finishes, then the connection closes and is not reopened.
    /// - Parameter count: the new number of connections (at least one).
    public func setConnections(_ count: Int) {
        let count = max(1, count)
        let old = targetConnections
        guard count != old else { return }
        targetConnections = count
        logger.info("upstream connections changed", metadata: ["upstream.connections": "\(old) -> \(count)"])
        if count > old {
            for c in old..<count {
                scheduler.addConnection(c)
                if c >= slots.count {
                    slots.append(Slot())
                    epochs.append(SharedMutex(0))
                }
                // A slot still draining from an earlier shrink keeps its task, which now reconnects it.
                if running, !maintained.contains(c) { slotStarts?.yield(c) }
            }
        } else {
            for c in count..<old {
                perform(scheduler.removeConnection(c, now: now))
                // A slot that is not connected stops at once; one waiting in backoff stops when it wakes.
                if slots[c].writer == nil, slots[c].state == .connecting { slots[c].kill?.yield() }
            }
        }
    }

    /// Connection slots in use now.
    public var connectionCount: Int { targetConnections }
}
