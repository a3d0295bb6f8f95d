import AgentModel
import AgentProtocol
import Foundation
import NIOCore

/// The shared control plane: input, cancel, resume and approvals, and the `request_id` rule.
extension ControlConnection {
    /// Runs one of `run/input`, `run/cancel`, `run/resume`, `approval/list` and `approval/resolve`.
    func dispatchControlPlane(id: JSONRPCID, method: String, line: Data, client: ClientIdentity) async -> (
        ByteBuffer, AfterResponse?
    ) {
        switch method {
        case RunInput.name:
            return await respondIdempotent(RunInput.self, id: id, line: line, client: client) { params in
                try await self.addInput(params, client: client)
            }
        case RunCancel.name:
            return await respondIdempotent(RunCancel.self, id: id, line: line, client: client) { params in
                try Self.validate(params.runID)
                let reason = params.reason ?? "cancelled by \(client.name) (uid \(client.uid))"
                let state = try await self.backend.cancelRun(
                    params.runID, mode: params.mode ?? .now, reason: reason, client: client)
                return RunCancel.Result(run: RunInfo(state))
            }
        case RunResume.name:
            return await respond(RunResume.self, id: id, line: line) { params in
                try Self.validate(params.runID)
                return (
                    RunResume.Result(run: RunInfo(try await self.backend.resumeRun(params.runID, client: client))), nil
                )
            }
        case ApprovalList.name:
            return await respond(ApprovalList.self, id: id, line: line) { params in
                if let run = params.runID { try Self.validate(run) }
                return (ApprovalList.Result(approvals: try await self.backend.pendingApprovals(params.runID)), nil)
            }
        case ApprovalResolve.name:
            return await respondIdempotent(ApprovalResolve.self, id: id, line: line, client: client) { params in
                try Self.validate(params.runID)
                guard !params.callID.isEmpty else {
                    throw ControlError.invalidParams(field: "call_id", "must not be empty")
                }
                return try await self.backend.resolveApproval(params, client: client)
            }
        default:
            return (WireEncoding.errorLine(id: id, .methodNotFound(method)), nil)
        }
    }

    private func addInput(_ params: RunInput.Params, client: ClientIdentity) async throws -> RunInput.Result {
        try Self.validate(params.runID)
        guard !params.text.isEmpty else { throw ControlError.invalidParams(field: "text", "must not be empty") }
        if params.inputID?.isEmpty == true {
            throw ControlError.invalidParams(field: "input_id", "must not be empty")
        }
        // A request_id doubles as the input id, so a retry is harmless even when the daemon died between committing
        // the input and committing the request's idempotency record: the run's ledger remembers input ids.
        let inputID = params.inputID ?? params.requestID.map { "req_\($0)" } ?? "in_\(UUID().uuidString.lowercased())"
        let outcome = try await backend.addInput(params.runID, text: params.text, inputID: inputID, client: client)
        return RunInput.Result(run: RunInfo(outcome.state), applied: outcome.applied, inputID: inputID)
    }
}
