import AgentModel
import AgentProtocol
import Foundation

extension ControlConnection {
    /// `tool/output`: a slice of one stream of a finished call, base64-encoded.
    func toolOutput(_ params: ToolOutput.Params) async throws -> ToolOutput.Result {
        try Self.validate(params.runID)
        guard !params.callID.isEmpty else { throw ControlError.invalidParams(field: "call_id", "must not be empty") }
        let offset = params.offset ?? 0
        guard offset >= 0 else { throw ControlError.invalidParams(field: "offset", "must be 0 or more") }
        let limit = params.limit ?? ToolOutput.maxLimit
        guard (1...ToolOutput.maxLimit).contains(limit) else {
            throw ControlError.invalidParams(field: "limit", "must be 1…\(ToolOutput.maxLimit)")
        }
        let stream = params.stream ?? .stdout
        let stored = try await backend.toolOutput(params.runID, callID: params.callID, stream: stream)
        let start = min(offset, stored.bytes.count)
        let slice = stored.bytes[start..<min(stored.bytes.count, start + limit)]
        return ToolOutput.Result(
            runID: params.runID, callID: params.callID, stream: stream, source: stored.source,
            totalBytes: stored.bytes.count, offset: start, dataBase64: Data(slice).base64EncodedString())
    }
}
