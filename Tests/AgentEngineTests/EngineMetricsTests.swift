import AgentModel
import Logging
import MetricsTestKit
import Testing

@testable import AgentEngine

/// The engine's measurements land in the factory it is given (no global bootstrap in tests).
@Suite("Engine metrics")
struct EngineMetricsTests {
    /// A run with `toolTurns` tool calls (and `failures` dropped streams) recorded into a fresh `TestMetrics`.
    private func run(toolTurns: Int, failures: Set<Int> = []) async throws -> (TestMetrics, RunState) {
        let metrics = TestMetrics()
        let hub = EventHub()
        let store = InMemoryEventStore(observer: { hub.publish($0) })
        var configuration = EngineConfiguration(defaultModel: "m")
        configuration.metrics = EngineMetrics(factory: metrics)
        let manager = RunManager(
            store: store, upstream: ScriptedUpstream(toolTurns: toolTurns, failures: failures),
            tools: RecordingTools(blocking: false), hub: hub, configuration: configuration,
            logger: Logger(label: "test"))
        let final = try await withThrowingTaskGroup(of: RunState?.self) { group in
            group.addTask {
                await manager.run()
                return nil
            }
            let started = try await manager.start(StartRunRequest(prompt: "go", cwd: "/tmp"))
            for try await item in manager.feed(started.id, fromSeq: 0) {
                if case .ended = item { break }
            }
            let final = try await manager.state(of: started.id)
            manager.stopAccepting()
            group.cancelAll()
            return final
        }
        return (metrics, final)
    }

    @Test func everyTurnAndToolCallIsTimed() async throws {
        let (metrics, final) = try await run(toolTurns: 3)
        #expect(final.status == .completed)
        let toolCalls = try metrics.expectTimer(EngineMetrics.Name.toolCallDuration, [("tool", "shell")]).values.count
        let leases = try metrics.expectTimer(EngineMetrics.Name.upstreamLeaseWait).values.count
        let firstEvents = try metrics.expectTimer(EngineMetrics.Name.firstUpstreamEvent).values.count
        let overheads = try metrics.expectTimer(EngineMetrics.Name.turnOverhead).values
        let commits = try metrics.expectTimer(EngineMetrics.Name.ledgerCommit).values.count
        let retries = try metrics.expectCounter(EngineMetrics.Name.turnRetries).totalValue
        #expect(toolCalls == 3)
        // Four responses: three ask for a tool, the last answers.
        #expect(leases == 4)
        #expect(firstEvents == 4)
        #expect(overheads.count == 4)
        #expect(overheads.allSatisfy { $0 >= 0 })
        // At least the four requests and the end of the run are durable commits.
        #expect(commits >= 5)
        #expect(retries == 0)
    }

    @Test func aDroppedStreamCountsAsARetry() async throws {
        let (metrics, final) = try await run(toolTurns: 1, failures: [1])
        #expect(final.status == .completed)
        let retries = try metrics.expectCounter(EngineMetrics.Name.turnRetries).totalValue
        #expect(retries == 1)
    }
}
