import AgentModel
import AgentProtocol
import Foundation
import NIOCore

/// The `request_id` rule (see ``IdempotencyStore``).
extension ControlConnection {
    /// Like `respond`, with the `request_id` rule: a repeat with identical params gets the stored result, a repeat
    /// with other params `idempotency key reused`; a request without `request_id` always runs.
    func respondIdempotent<M: ControlMethod>(
        _ method: M.Type, id: JSONRPCID, line: Data, client: ClientIdentity,
        _ body: @escaping (M.Params) async throws -> M.Result
    ) async -> (ByteBuffer, AfterResponse?) where M.Params: IdempotentParams {
        await respondIdempotent(method, id: id, line: line, client: client, resultOf: nil) {
            params, _ in
            try await body(params)
        }
    }

    /// ``respondIdempotent(_:id:line:client:_:)`` for a request whose result derives from the run state its effect
    /// creates: `body` gets an ``IdempotencyRecorder`` (when the request has a `request_id`) for the backend to
    /// commit the record in the same transaction as the effect.
    func respondIdempotent<M: ControlMethod>(
        _ method: M.Type, id: JSONRPCID, line: Data, client: ClientIdentity,
        resultOf: (@Sendable (RunState) -> M.Result)?,
        _ body: @escaping (M.Params, IdempotencyRecorder?) async throws -> M.Result
    ) async -> (ByteBuffer, AfterResponse?) where M.Params: IdempotentParams {
        await respond(method, id: id, line: line) { params in
            guard let requestID = params.requestID else { return (try await body(params, nil), nil) }
            guard !requestID.isEmpty else {
                throw ControlError.invalidParams(field: "request_id", "must not be empty")
            }
            let store = self.context.idempotency
            let key = IdempotencyStore.Key(uid: client.uid, requestID: requestID)
            // Sorted keys make the encoding canonical: equal params give equal hashes.
            let fingerprint = IdempotencyStore.Fingerprint(
                method: M.name, paramsHash: ContentHash.sha256Hex(Array(try JSONCoding.encodeData(params))))
            switch try await store.begin(key, fingerprint: fingerprint) {
            case .replay(let stored):
                return (try JSONCoding.decode(M.Result.self, from: stored), nil)
            case .conflict:
                throw ControlError.idempotencyKeyReused(requestID: requestID, method: M.name)
            case .execute:
                let recorder = resultOf.flatMap { resultOf in
                    store.recorder(key, fingerprint: fingerprint) { try JSONCoding.encodeData(resultOf($0)) }
                }
                do {
                    let result = try await body(params, recorder)
                    let unrecorded = await store.finish(
                        key, fingerprint: fingerprint, result: try JSONCoding.encodeData(result),
                        recorded: recorder?.wasTaken ?? false)
                    if let unrecorded {
                        // The effect happened: answer it. Only this process remembers the key now.
                        self.logger.warning(
                            "request_id record not committed; kept in memory only",
                            metadata: ["method": "\(M.name)", "error": "\(unrecorded)"])
                    }
                    return (result, nil)
                } catch {
                    await store.finish(key, fingerprint: fingerprint, result: nil)
                    throw error
                }
            }
        }
    }
}
