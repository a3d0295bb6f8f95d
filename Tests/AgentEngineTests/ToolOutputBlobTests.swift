import AgentModel
import Logging
import Testing

@testable import AgentEngine

/// A tool whose output the model saw cut: `tool.finished` names the full stream by hash and carries it as a blob to
/// the store, while the model gets exactly the excerpt.
struct ToolOutputBlobTests {
    /// Answers every call with a cut excerpt and the whole stream.
    final class CutOutputTools: ToolExecutor {
        static let full = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 % 251) }

        func definitions(for names: [String]) throws -> [JSONValue] {
            names.map { _ in ["type": "function", "name": "shell", "parameters": ["type": "object"]] }
        }

        func execute(_ call: ToolInvocation) async -> ToolOutcome {
            var outcome = ToolOutcome(
                exitCode: 0, output: "head…tail", durationMillis: 1, timedOut: false, truncatedBytes: 99_991)
            outcome.fullStdout = Self.full
            return outcome
        }
    }

    @Test func toolFinishedReferencesTheFullOutputAndCarriesItToTheStore() async throws {
        let hub = EventHub()
        let store = InMemoryEventStore(observer: { hub.publish($0) })
        let upstream = ScriptedUpstream(toolTurns: 1)
        let manager = RunManager(
            store: store, upstream: upstream, tools: CutOutputTools(), hub: hub,
            configuration: EngineConfiguration(defaultModel: "m"), logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await manager.run() }
            let started = try await manager.start(StartRunRequest(prompt: "go", cwd: "/tmp"))
            for try await item in manager.feed(started.id, fromSeq: 0) {
                if case .ended = item { break }
            }
            manager.stopAccepting()
            group.cancelAll()
        }

        let finished = try #require(store.all.first { $0.type == ToolEventType.finished })
        let payload = try JSONCoding.decode(ToolFinished.self, from: finished.payload)
        let blob = LedgerBlob(bytes: CutOutputTools.full)
        let sentToModel = upstream.requests.compactMap { $0["input"] }.last

        #expect(payload.output == "head…tail")
        #expect(payload.stdoutSHA256 == blob.sha256)
        #expect(payload.stdoutBytes == 100_000)
        #expect(payload.stderrSHA256 == nil)
        #expect(finished.blobs == [blob])
        #expect(sentToModel == [Items.functionCallOutput(callID: "call_0", output: "head…tail")])
    }
}
