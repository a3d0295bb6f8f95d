/// Durable storage of idempotency records (implemented by `AgentLedger`), so a retried control request is
/// answered from its first result even after a daemon restart.
///
/// The control server uses it; the engine commits a record together with the events of the request's effect
/// through ``EventStore/append(_:recording:)``.
public protocol ControlRequestStore: Sendable {
    /// The record of (`uid`, `requestID`), whatever its age, or nil.
    ///
    /// - Throws: ``LedgerFailure`` when the store cannot be read.
    func controlRequest(uid: UInt32, requestID: String) async throws -> ControlRequestRecord?

    /// Commits `record` on its own and returns once it is durable.
    ///
    /// - Throws: ``LedgerFailure`` `.rejected` when a record with the same (uid, request id) exists, or another
    ///   ``LedgerFailure`` when the store cannot commit.
    func recordControlRequest(_ record: ControlRequestRecord) async throws

    /// Deletes the records created before `millis` and returns how many went.
    ///
    /// - Throws: ``LedgerFailure`` when the store cannot commit.
    @discardableResult
    func pruneControlRequests(createdBefore millis: Int64) async throws -> Int
}

extension EventStore {
    /// Stores that keep no idempotency records refuse to commit events together with one.
    public nonisolated(nonsending) func append(
        _ events: [LedgerEvent], recording request: ControlRequestRecord
    )
        async throws
    {
        throw LedgerFailure(
            code: .unavailable,
            message: "this event store does not keep idempotency records (\(request.method))")
    }
}
