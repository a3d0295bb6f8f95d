import Synchronization
import AgentModel
import Foundation

/// Builds the idempotency record of a request whose effect creates run state, so the backend can commit the
/// record in the same transaction as that effect (for `run/start`: with `run.started`).
///
/// Then a crash can never leave the effect without its record: a retry either finds the record and gets the
/// stored result, or finds neither and runs the request for the first time.
public final class IdempotencyRecorder: Sendable {
    private let uid: UInt32
    private let requestID: String
    private let method: String
    private let paramsHash: String
    private let createdAtMillis: Int64
    private let result: @Sendable (RunState) throws -> Data
    private let taken = Mutex(false)

    init(
        uid: UInt32, requestID: String, method: String, paramsHash: String, createdAtMillis: Int64,
        result: @escaping @Sendable (RunState) throws -> Data
    ) {
        self.uid = uid
        self.requestID = requestID
        self.method = method
        self.paramsHash = paramsHash
        self.createdAtMillis = createdAtMillis
        self.result = result
    }

    /// The record to commit with the effect that produced `state` (the request's result is derived from it).
    ///
    /// Calling it tells the server that the backend commits the record: it will not record the request again.
    /// - Throws: when the result cannot be encoded.
    public func record(for state: RunState) throws -> ControlRequestRecord {
        let encoded = try result(state)
        taken.withLock { $0 = true }
        return ControlRequestRecord(
            uid: uid, requestID: requestID, method: method, paramsHash: paramsHash,
            result: String(decoding: encoded, as: UTF8.self), createdAtMillis: createdAtMillis)
    }

    /// Whether the backend took the record to commit it with the effect.
    var wasTaken: Bool { taken.withLock { $0 } }
}
