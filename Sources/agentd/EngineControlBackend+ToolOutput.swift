import AgentControl
import AgentLedger
import AgentModel
import AgentProtocol

extension EngineControlBackend {
    /// `tool/output`: the stream's blob when the model saw an excerpt of it, otherwise the stream's text in the
    /// output the model received (which holds it whole).
    func toolOutput(_ id: RunID, callID: String, stream: ToolOutput.Stream) async throws -> StoredToolOutput {
        _ = try await runState(id)
        guard let finished = try await finishedCall(callID, of: id) else {
            throw ControlError.invalidParams(field: "call_id", "run \(id) has no finished tool call \(callID)")
        }
        guard let sha256 = stream == .stdout ? finished.stdoutSHA256 : finished.stderrSHA256 else {
            return StoredToolOutput(source: .output, bytes: Array(Self.text(of: stream, in: finished.output).utf8))
        }
        guard let bytes = try await ledger.blob(sha256: sha256) else {
            throw ControlError.internalError("the ledger names blob \(sha256) for \(callID) but does not hold it")
        }
        return StoredToolOutput(source: .blob, bytes: bytes)
    }

    /// The stream's text in an output the model received whole: a command's output is a JSON object with one
    /// field per stream (`{"exit_code":0,"stderr":"…","stdout":"…"}`); any other output is the stream itself.
    static func text(of stream: ToolOutput.Stream, in output: String) -> String {
        guard let parsed = try? JSONValue.parse(output), case .object = parsed,
            let text = parsed[stream.rawValue]?.stringValue
        else { return output }
        return text
    }

    /// The `tool.finished` payload of `callID`, found by reading the run's events page by page.
    private func finishedCall(_ callID: String, of id: RunID) async throws -> ToolFinished? {
        var next: Int64 = 0
        while true {
            let page = try await ledger.events(of: id, fromSeq: next, limit: 4096)
            guard let last = page.last else { return nil }
            for event in page where event.kind == .tool && event.type == ToolEventType.finished {
                if let finished = try? ToolFinished(json: event.payload), finished.callID == callID { return finished }
            }
            next = last.seq + 1
        }
    }
}
