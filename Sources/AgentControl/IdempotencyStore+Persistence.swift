import AgentModel
import Foundation

extension IdempotencyStore {
    /// Deletes persistent records older than the ttl and trims memory; returns how many records were deleted.
    ///
    /// - Throws: ``LedgerFailure`` when the persistent store cannot commit the delete.
    @discardableResult
    package func pruneExpired() async throws -> Int {
        let instant = now()
        lastPrune.withLock { $0 = instant }
        entries.withLock { entries in
            for (key, entry) in entries {
                if case .finished(_, _, let expires) = entry, expires <= instant { entries[key] = nil }
            }
        }
        guard let persistent else { return 0 }
        return try await persistent.pruneControlRequests(createdBefore: wallMillis() - Self.millis(ttl))
    }

    /// Prunes when the last prune is `pruneInterval` old; a failure is left for the next one.
    func pruneIfDue() async {
        let due = lastPrune.withLock { last -> Bool in
            let instant = now()
            if let last, last.duration(to: instant) < pruneInterval { return false }
            last = instant
            return true
        }
        if due { _ = try? await pruneExpired() }
    }

    /// Looks the key (held as running) up in the persistent store; a live record answers the request.
    func consultPersistent(_ key: Key, fingerprint: Fingerprint) async throws -> Decision {
        guard let persistent else { return .execute }
        do {
            guard let record = try await persistent.controlRequest(uid: key.uid, requestID: key.requestID)
            else {
                return .execute
            }
            let age = wallMillis() - record.createdAtMillis
            guard age < Self.millis(ttl) else {
                // Expired but not yet pruned: delete it so the new request's record can take the key.
                // Every record at least as old is expired too.
                try await persistent.pruneControlRequests(createdBefore: record.createdAtMillis + 1)
                return .execute
            }
            let stored = Fingerprint(method: record.method, paramsHash: record.paramsHash)
            let result = Data(record.result.utf8)
            settle(
                key, fingerprint: stored, result: result,
                expires: now().advanced(by: ttl - .milliseconds(age)))
            return stored == fingerprint ? .replay(result) : .conflict
        } catch {
            settle(key, fingerprint: fingerprint, result: nil, expires: now())
            throw error
        }
    }

    /// Replaces the key's running entry by a finished one (or frees it when `result` is nil) and wakes its waiters.
    func settle(_ key: Key, fingerprint: Fingerprint, result: Data?, expires: ContinuousClock.Instant) {
        let waiters = entries.withLock { entries -> [CheckedContinuation<Void, Never>] in
            guard case .running(_, let waiters) = entries[key] else { return [] }
            if let result {
                entries[key] = .finished(fingerprint, result: result, expires: expires)
                Self.trim(&entries, capacity: capacity, now: now())
            } else {
                entries[key] = nil
            }
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Drops expired entries, then the oldest finished ones beyond `capacity`.
    static func trim(_ entries: inout [Key: Entry], capacity: Int, now: ContinuousClock.Instant) {
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

    /// `duration` in whole milliseconds.
    static func millis(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
