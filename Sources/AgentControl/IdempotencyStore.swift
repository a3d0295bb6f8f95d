import Synchronization
import AgentModel
import Foundation

/// Remembers the results of requests that carried a `request_id`, so a retried request is answered, not re-run.
///
/// Keyed by (peer uid, `request_id`): two users never share keys. A key's first request runs; while it runs, a
/// repeat waits for it (in this process, the in-flight marker); once it succeeded, a repeat with the same method
/// and params hash gets the stored result and one with another is refused. A request that fails frees its key.
///
/// With a `persistent` store (the ledger) records survive restarts: a key unknown in memory is looked up there,
/// and a result is committed there before it is answered (or, for `run/start`, by the backend in the same
/// transaction as the effect, through an ``IdempotencyRecorder``). Records expire `ttl` after they were made;
/// expired ones are pruned at start-up (``pruneExpired()``) and at most every `pruneInterval` after a request.
/// Memory holds in-flight keys and a cache of at most `capacity` finished ones (the oldest go first).
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

    /// What a request is: its method and the hash of its canonical params.
    package struct Fingerprint: Hashable, Sendable {
        package var method: String
        package var paramsHash: String

        package init(method: String, paramsHash: String) {
            self.method = method
            self.paramsHash = paramsHash
        }
    }

    /// What to do with a request.
    package enum Decision: Equatable, Sendable {
        /// Run it, then call ``finish(_:fingerprint:result:recorded:)``.
        case execute
        /// Answer with this stored result (the encoded `result` object).
        case replay(Data)
        /// The key was used with another fingerprint.
        case conflict
    }

    enum Entry {
        case running(Fingerprint, waiters: [CheckedContinuation<Void, Never>])
        case finished(Fingerprint, result: Data, expires: ContinuousClock.Instant)
    }

    let capacity: Int
    let ttl: Duration
    let pruneInterval: Duration
    let now: @Sendable () -> ContinuousClock.Instant
    let persistent: (any ControlRequestStore)?
    let entries = Mutex<[Key: Entry]>([:])
    /// The wall clock at `origin`: records carry wall-clock times (they outlive the process), derived from `now`
    /// so that one injected clock moves both.
    private let origin: (instant: ContinuousClock.Instant, millis: Int64)
    let lastPrune = Mutex<ContinuousClock.Instant?>(nil)

    /// - Parameters:
    ///   - capacity: finished entries cached in memory at most.
    ///   - ttl: how long a result is kept (at least 24 h for the control API).
    ///   - pruneInterval: the least time between two prunes of expired persistent records.
    ///   - now: the clock (injectable so tests can expire entries without waiting).
    ///   - persistent: where records survive restarts; nil keeps them in memory only.
    package init(
        capacity: Int = 10_000, ttl: Duration = .seconds(24 * 3600),
        pruneInterval: Duration = .seconds(3600),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
        persistent: (any ControlRequestStore)? = nil
    ) {
        self.capacity = max(1, capacity)
        self.ttl = ttl
        self.pruneInterval = pruneInterval
        self.now = now
        self.persistent = persistent
        self.origin = (now(), LedgerEvent.nowMillis())
    }

    /// Keys currently held in memory (running or finished, expired ones until they are trimmed).
    package var count: Int { entries.withLock { $0.count } }

    /// The wall-clock time now, in ms since 1970, as records carry it.
    package func wallMillis() -> Int64 {
        origin.millis + Self.millis(origin.instant.duration(to: now()))
    }

    /// Decides what to do with a request for `key` with `fingerprint`.
    ///
    /// Waits while another request with the same key runs.
    /// - Throws: ``LedgerFailure`` when the persistent store cannot be read (the key is left free).
    package func begin(_ key: Key, fingerprint: Fingerprint) async throws -> Decision {
        while true {
            let decision: Decision? = entries.withLock { entries in
                switch entries[key] {
                case .running(let running, _):
                    return running == fingerprint ? nil : .conflict
                case .finished(let stored, let result, let expires) where expires > now():
                    return stored == fingerprint ? .replay(result) : .conflict
                case .finished, .none:
                    entries[key] = .running(fingerprint, waiters: [])
                    return .execute
                }
            }
            if let decision {
                guard decision == .execute, persistent != nil else { return decision }
                return try await consultPersistent(key, fingerprint: fingerprint)
            }
            // The same request is running: wait for it to finish, then decide again.
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let registered = entries.withLock { entries -> Bool in
                    guard case .running(let running, var waiters) = entries[key] else { return false }
                    waiters.append(continuation)
                    entries[key] = .running(running, waiters: waiters)
                    return true
                }
                if !registered { continuation.resume() }
            }
        }
    }

    /// A recorder for the request that got ``Decision/execute``, for the backend to commit its record with the
    /// effect; nil without a persistent store (records then live in memory only).
    package func recorder(
        _ key: Key, fingerprint: Fingerprint, result: @escaping @Sendable (RunState) throws -> Data
    ) -> IdempotencyRecorder? {
        guard persistent != nil else { return nil }
        return IdempotencyRecorder(
            uid: key.uid, requestID: key.requestID, method: fingerprint.method,
            paramsHash: fingerprint.paramsHash,
            createdAtMillis: wallMillis(), result: result)
    }

    /// Ends the request that got ``Decision/execute``: stores `result`, or frees the key when it is `nil` (failed).
    ///
    /// `recorded` says the backend already committed the record with the effect; otherwise it is committed to the
    /// persistent store here, before the result is answered. When that commit fails (the ledger is failing) the
    /// result is still answered and kept in memory: the effect happened, and a retry must not repeat it.
    ///
    /// - Returns: the error that kept the record out of the persistent store, if any (for the log).
    @discardableResult
    package func finish(_ key: Key, fingerprint: Fingerprint, result: Data?, recorded: Bool = false)
        async -> (any Error)?
    {
        var failure: (any Error)?
        if let result, let persistent, !recorded {
            let record = ControlRequestRecord(
                uid: key.uid, requestID: key.requestID, method: fingerprint.method,
                paramsHash: fingerprint.paramsHash, result: String(decoding: result, as: UTF8.self),
                createdAtMillis: wallMillis())
            do {
                try await persistent.recordControlRequest(record)
            } catch {
                failure = error
            }
        }
        settle(key, fingerprint: fingerprint, result: result, expires: now().advanced(by: ttl))
        if result != nil { await pruneIfDue() }
        return failure
    }
}
