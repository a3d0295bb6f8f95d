import AgentClient
import AgentProtocol
import TestSupport

extension TestServer {
    /// Sends the same `run/start` (with `requestID`) on two connections at once, both in the server before the
    /// backend may answer, and returns both answers.
    func concurrentDuplicateStarts(requestID: String) async throws -> (RunStart.Result, RunStart.Result) {
        backend.startGate.close()
        let first = try await client()
        let second = try await client()
        let params = RunStart.Params(prompt: "hi", requestID: requestID)
        let a = Task { try await first.call(RunStart.self, params) }
        let b = Task { try await second.call(RunStart.self, params) }
        // The gate holds the first in the backend until the server logged the second.
        try await withTimeout(.seconds(10), "both requests logged") {
            while backend.commands.filter({ $0.method == RunStart.name }).count < 2 { await Task.yield() }
        }
        backend.startGate.open()
        let answers = try await withTimeout(.seconds(10), "both answers") { (try await a.value, try await b.value) }
        await first.close()
        await second.close()
        return answers
    }
}
