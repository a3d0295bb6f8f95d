import AgentModel
import AgentProtocol
import Foundation
import NIOCore

/// Conversations: `run/prompt` and `run/fork`.
extension ControlConnection {
    /// Runs `run/prompt` or `run/fork`.
    func dispatchConversation(id: JSONRPCID, method: String, line: Data, client: ClientIdentity) async -> (
        ByteBuffer, AfterResponse?
    ) {
        switch method {
        case RunPrompt.name:
            let resultOf: @Sendable (RunState) -> RunPrompt.Result = {
                RunPrompt.Result(run: RunInfo($0), turn: $0.turns.count)
            }
            return await respondIdempotent(RunPrompt.self, id: id, line: line, client: client, resultOf: resultOf) {
                params, recorder in
                try Self.validate(params.runID)
                guard !params.text.isEmpty else { throw ControlError.invalidParams(field: "text", "must not be empty") }
                // As for `run/input`: a request_id doubles as the input id, so a retry after a crash between the
                // prompt and its record is recognised by the run itself.
                let inputID = params.requestID.map { "req_\($0)" } ?? "in_\(UUID().uuidString.lowercased())"
                let outcome = try await self.backend.promptRun(
                    params, inputID: inputID, client: client, recorder: recorder)
                return RunPrompt.Result(run: RunInfo(outcome.state), turn: outcome.turn)
            }
        case RunFork.name:
            let resultOf: @Sendable (RunState) -> RunFork.Result = { RunFork.Result(run: RunInfo($0)) }
            return await respondIdempotent(RunFork.self, id: id, line: line, client: client, resultOf: resultOf) {
                params, recorder in
                try Self.validate(params.runID)
                return resultOf(try await self.backend.forkRun(params, client: client, recorder: recorder))
            }
        default:
            return (WireEncoding.errorLine(id: id, .methodNotFound(method)), nil)
        }
    }
}
