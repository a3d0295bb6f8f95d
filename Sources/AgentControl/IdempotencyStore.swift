import Foundation

/// Remembers the results of requests that carried a `request_id`, so a retried request is answered, not re-run.
///
/// Keyed by (peer uid, `request_id`): two users never share keys. A key's first request runs; while it runs, a
/// repeat waits for it; once it succeeded, a repeat with the same fingerprint (method and params) gets the stored
/// result and one with another fingerprint is refused. A request that fails frees its key (the client may retry
/// with the same key). Entries expire after `ttl`; at most `capacity` finished entries are kept (the oldest go
/// first). In memory only: a daemon restart forgets every key.
package final class IdempotencyStore: Sendable {
    /// Who used the key: the kernel-reported uid and the client's key.
    package struct Key: Hashable, Sendable {
        package var uid: UInt32
        package var requestID: String

        package init(uid: UInt32, requestID: String) {
            self.uid = uid
            self.requestID = requestID
        }
    }

    /// What to do with a request.
    package enum Decision: Equatable, Sendable {
        /// Run it, then call ``finish(_:fingerprint:result:)``.
        case execute
        /// Answer with this stored result (the encoded `result` object).
        case replay(Data)
        /// The key was used with another fingerprint.
        case conflict
    }

    private enum Entry {
        case running(fingerprint: String, waiters: [CheckedContinuation<Void, Never>])
        case finished(fingerprint: String, result: Data, expires: ContinuousClock.Instant)
    }

    private let capacity: Int
    private let ttl: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let entries = Locked<[Key: Entry]>([:])

    /// - Parameters:
    ///   - capacity: finished entries kept at most.
    ///   - ttl: how long a finished entry is kept.
    ///   - now: the clock (injectable so tests can expire entries without waiting).
    package init(
        capacity: Int = 10_000, ttl: Duration = .seconds(24 * 3600),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.capacity = max(1, capacity)
        self.ttl = ttl
        self.now = now
    }

    /// Keys currently held (running or finished, expired ones until they are trimmed).
    package var count: Int { entries.withLock { $0.count } }

    /// Decides what to do with a request for `key` whose method and params hash to `fingerprint`.
    ///
    /// Waits while another request with the same key runs.
    package func begin(_ key: Key, fingerprint: String) async -> Decision {
        while true {
            let decision: Decision? = entries.withLock { entries in
                switch entries[key] {
                case .running(let running, _):
                    return running == fingerprint ? nil : .conflict
                case .finished(let stored, let result, let expires) where expires > now():
                    return stored == fingerprint ? .replay(result) : .conflict
                case .finished, .none:
                    entries[key] = .running(fingerprint: fingerprint, waiters: [])
                    return .execute
                }
            }
            if let decision { return decision }
            // The same request is running: wait for it to finish, then decide again.
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let registered = entries.withLock { entries -> Bool in
                    guard case .running(let running, var waiters) = entries[key] else { return false }
                    waiters.append(continuation)
                    entries[key] = .running(fingerprint: running, waiters: waiters)
                    return true
                }
                if !registered { continuation.resume() }
            }
        }
    }

    /// Ends the request that got ``Decision/execute``: stores `result`, or frees the key when it is `nil` (failed).
    package func finish(_ key: Key, fingerprint: String, result: Data?) {
        let waiters = entries.withLock { entries -> [CheckedContinuation<Void, Never>] in
            guard case .running(let running, let waiters) = entries[key], running == fingerprint else { return [] }
            if let result {
                let instant = now()
                entries[key] = .finished(fingerprint: fingerprint, result: result, expires: instant.advanced(by: ttl))
                Self.trim(&entries, capacity: capacity, now: instant)
            } else {
                entries[key] = nil
            }
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Drops expired entries, then the oldest finished ones beyond `capacity`.
    private static func trim(_ entries: inout [Key: Entry], capacity: Int, now: ContinuousClock.Instant) {
        guard entries.count > capacity else { return }
        for (key, entry) in entries {
            if case .finished(_, _, let expires) = entry, expires <= now { entries[key] = nil }
        }
        var excess = entries.count - capacity
        guard excess > 0 else { return }
        let oldest = entries.compactMap { key, entry -> (Key, ContinuousClock.Instant)? in
            if case .finished(_, _, let expires) = entry { return (key, expires) }
            return nil
        }.sorted { $0.1 < $1.1 }
        for (key, _) in oldest where excess > 0 {
            entries[key] = nil
            excess -= 1
        }
    }
}
