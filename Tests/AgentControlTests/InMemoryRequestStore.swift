import AgentModel
import Foundation

/// A ``ControlRequestStore`` in memory with the ledger's rules (a second record for a key is rejected), which
/// outlives the servers of a test as the ledger outlives daemon restarts. Counts what it was asked to do.
final class InMemoryRequestStore: ControlRequestStore, @unchecked Sendable {
    private struct Key: Hashable {
        var uid: UInt32
        var requestID: String
    }

    private let lock = NSLock()
    private var records: [Key: ControlRequestRecord] = [:]
    private var insertAttempts = 0
    private var prunes: [Int64] = []
    /// When set, every call fails with it (a failing ledger).
    var failure: LedgerFailure? {
        get { lock.withLock { storedFailure } }
        set { lock.withLock { storedFailure = newValue } }
    }
    private var storedFailure: LedgerFailure?
    /// When set, only inserts fail with it (the ledger fails right after an effect).
    var insertFailure: LedgerFailure? {
        get { lock.withLock { storedInsertFailure } }
        set { lock.withLock { storedInsertFailure = newValue } }
    }
    private var storedInsertFailure: LedgerFailure?

    /// Records kept now, by request id.
    var requestIDs: Set<String> { lock.withLock { Set(records.keys.map(\.requestID)) } }
    /// How many records were offered (accepted or rejected).
    var insertions: Int { lock.withLock { insertAttempts } }
    /// The cut-offs of every prune, in order.
    var pruneCutoffs: [Int64] { lock.withLock { prunes } }

    /// Puts `record` in directly (a record left by an earlier daemon).
    func seed(_ record: ControlRequestRecord) {
        lock.withLock { records[Key(uid: record.uid, requestID: record.requestID)] = record }
    }

    func controlRequest(uid: UInt32, requestID: String) async throws -> ControlRequestRecord? {
        try lock.withLock {
            if let storedFailure { throw storedFailure }
            return records[Key(uid: uid, requestID: requestID)]
        }
    }

    func recordControlRequest(_ record: ControlRequestRecord) async throws {
        try lock.withLock {
            insertAttempts += 1
            if let failure = storedFailure ?? storedInsertFailure { throw failure }
            let key = Key(uid: record.uid, requestID: record.requestID)
            guard records[key] == nil else {
                throw LedgerFailure(code: .rejected, message: "UNIQUE constraint failed: control_requests")
            }
            records[key] = record
        }
    }

    func pruneControlRequests(createdBefore millis: Int64) async throws -> Int {
        try lock.withLock {
            if let storedFailure { throw storedFailure }
            prunes.append(millis)
            let expired = records.filter { $0.value.createdAtMillis < millis }.map(\.key)
            for key in expired { records[key] = nil }
            return expired.count
        }
    }
}
