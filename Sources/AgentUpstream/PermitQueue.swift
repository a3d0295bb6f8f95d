/// A counting semaphore with a FIFO queue of waiters, as a pure state machine (the SSE transport's lease bound).
///
/// The owner keeps the waiters' continuations; this type only decides who gets a permit and when.
struct PermitQueue: Sendable, Equatable {
    /// Permits in total.
    let capacity: Int
    /// Permits held now.
    private(set) var inUse = 0
    /// Waiter ids, oldest first.
    private(set) var waiters: [UInt64] = []
    /// Requests that had to wait, so far.
    private(set) var queuedTotal = 0

    /// Creates a queue with `capacity` permits (at least one).
    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Answer to ``acquire(_:)``.
    enum Decision: Equatable, Sendable {
        case granted
        case queued
    }

    /// Takes a permit for `waiter` now, or queues it behind earlier waiters.
    mutating func acquire(_ waiter: UInt64) -> Decision {
        if inUse < capacity, waiters.isEmpty {
            inUse += 1
            return .granted
        }
        waiters.append(waiter)
        queuedTotal += 1
        return .queued
    }

    /// Returns a permit; the oldest waiter, if any, receives it (returned so the owner can resume it).
    mutating func release() -> UInt64? {
        if !waiters.isEmpty { return waiters.removeFirst() }
        inUse = max(0, inUse - 1)
        return nil
    }

    /// Removes a queued waiter (cancelled); `false` if it was not queued (it may already hold a permit).
    mutating func cancel(_ waiter: UInt64) -> Bool {
        guard let index = waiters.firstIndex(of: waiter) else { return false }
        waiters.remove(at: index)
        return true
    }

    /// Removes and returns every queued waiter (shutdown).
    mutating func drainWaiters() -> [UInt64] {
        defer { waiters = [] }
        return waiters
    }
}
