import AgentBenchKit
import AgentEngine
import AgentLedger
import AgentModel
import AgentTools
import AgentUpstream
import ArgumentParser
import Foundation
import Logging
import ResponsesEmulator
import Synchronization

extension BenchCommand {
    /// The next turn of a long conversation: time from `run/prompt` to the first upstream frame of the new turn with
    /// the run's lane still warm (the chain continues with `previous_response_id`) and after a restart (a new
    /// `RunManager` on the same ledger: the whole conversation is rebuilt from the ledger and sent); and the rebuild
    /// alone (ledger replay + the request's input serialized) for a conversation of about 10 MB.
    struct ConversationBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "conversation",
            abstract: "Prompt → first upstream frame of a new turn, warm lane vs after a restart; rebuild cost.")

        @Option(name: .customLong("tool-calls"), help: "Tool calls of the conversation's first turn.")
        var toolCalls = 200
        @Option(help: "Prompts measured each way.") var turns = 5
        @Option(name: .customLong("rebuild-mb"), help: "Size of the conversation whose rebuild is timed.")
        var rebuildMegabytes = 10
        @Option(help: "Emulated upstream latency per event (ms).") var latency = 0

        func run() async throws {
            let (warm, restarted) = try await promptLatencies()
            let warmP = Percentiles(warm)
            let restartedP = Percentiles(restarted)
            print("conversation \(toolCalls) tool calls: prompt → first frame, warm lane \(warmP); after restart \(restartedP)")
            MetricLine.emit("conversation_prompt_first_frame_warm_p50", warmP.p50, "ms")
            MetricLine.emit("conversation_prompt_first_frame_restarted_p50", restartedP.p50, "ms")
            let (rebuilds, bytes) = try await rebuildCosts()
            let rebuildP = Percentiles(rebuilds)
            print("conversation rebuild of \(bytes / 1_000_000) MB (replay + request input): \(rebuildP)")
            MetricLine.emit("conversation_rebuild_\(rebuildMegabytes)mb_p50", rebuildP.p50, "ms")
        }

        /// Turn 1 runs `toolCalls` shell calls; then `turns` prompts on the warm lane, then `turns` prompts each after
        /// a restart of the engine.
        private func promptLatencies() async throws -> (warm: [Duration], restarted: [Duration]) {
            var logger = Logger(label: "bench")
            logger.logLevel = .error
            let directory = NSTemporaryDirectory() + "agentd-conversation-bench-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var emulatorLogger = logger
            emulatorLogger.logLevel = .critical
            var emulatorConfiguration = EmulatorConfiguration()
            emulatorConfiguration.firstEventDelay = .milliseconds(latency)
            let emulator = ResponsesEmulator(configuration: emulatorConfiguration, logger: emulatorLogger)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await emulator.run() }
                defer { group.cancelAll() }
                let base = try await emulator.baseURL()
                var configuration = UpstreamConfiguration(url: UpstreamConfiguration.responsesURL(fromBaseURL: base)!)
                configuration.connections = 1
                let upstream = AutoUpstream(configuration: configuration, logger: logger)
                group.addTask { try await upstream.run() }
                let hub = EventHub()
                let ledger = try Ledger(path: directory + "/agentd.sqlite", sync: .full, observer: { hub.publish($0) })
                defer { ledger.close() }
                let frames = FirstFrameLog()
                var engine = EngineConfiguration(maxTurnAttempts: 20)
                engine.maxResponses = toolCalls + 50
                func manager() -> RunManager {
                    RunManager(
                        store: ledger, upstream: FirstFrameUpstream(inner: upstream, log: frames), tools: BuiltinTools(),
                        hub: hub, configuration: engine, logger: logger)
                }
                var current = manager()
                var service = Task { [current] in await current.run() }
                let first = try await current.start(
                    StartRunRequest(prompt: "turn 1", model: "emu-tools-\(toolCalls)", cwd: directory))
                try await Self.waitForTurnEnd(current, first.id, from: 0)
                var warm: [Duration] = []
                var restarted: [Duration] = []
                for round in 0..<(2 * turns) {
                    if round >= turns {
                        // A restart: the engine is rebuilt on the same ledger; the lane and its cache are gone.
                        current.stopAccepting()
                        service.cancel()
                        await service.value
                        current = manager()
                        service = Task { [current] in await current.run() }
                    }
                    let start = ContinuousClock.now
                    let outcome = try await current.prompt(first.id, text: "turn \(round + 2)", inputID: "b\(round)")
                    try await Self.waitForTurnEnd(current, first.id, from: outcome.state.lastSeq)
                    guard let firstFrame = frames.latest, firstFrame > start else {
                        throw BenchmarkError("no upstream frame for turn \(round + 2)")
                    }
                    if round < turns { warm.append(firstFrame - start) } else { restarted.append(firstFrame - start) }
                }
                current.stopAccepting()
                service.cancel()
                await service.value
                return (warm, restarted)
            }
        }

        private static func waitForTurnEnd(_ manager: RunManager, _ id: RunID, from seq: Int64) async throws {
            for try await item in manager.feed(id, fromSeq: seq) {
                if case .ended = item { break }
            }
            let state = try await manager.state(of: id)
            guard state.status == .completed else {
                throw BenchmarkError("turn ended \(state.status): \(state.endReason ?? "")")
            }
        }

        /// A synthetic ledger of about `rebuildMegabytes` MB of conversation (200 tool rounds), replayed and its
        /// request input serialized, as a restarted daemon does before the first request of the next turn.
        private func rebuildCosts() async throws -> (times: [Duration], bytes: Int) {
            let directory = NSTemporaryDirectory() + "agentd-rebuild-bench-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let ledger = try Ledger(path: directory + "/agentd.sqlite", sync: .normal)
            defer { ledger.close() }
            let run = RunID.generate()
            let rounds = 200
            let padding = String(repeating: "x", count: rebuildMegabytes * 1_000_000 / rounds)
            var events: [LedgerEvent] = []
            func add(_ kind: EventKind, _ type: String, _ payload: JSONValue) {
                events.append(
                    LedgerEvent(
                        runID: run, seq: Int64(events.count), timestampMillis: 0, kind: kind, type: type,
                        payload: payload.serialized))
            }
            let started = RunStarted(model: "m", prompt: "go", instructions: nil, cwd: "/", tools: ["shell"], client: nil)
            events.append(
                LedgerEvent(
                    runID: run, seq: 0, timestampMillis: 0, kind: .run, type: RunEventType.started,
                    payload: try JSONCoding.encode(started)))
            var input: [JSONValue] = [Items.userMessage("go")]
            for round in 0..<rounds {
                var create: [String: JSONValue] = ["type": "response.create", "model": "m", "input": .array(input)]
                if round > 0 { create["previous_response_id"] = .string("resp_\(round - 1)") }
                add(.upstreamOut, UpstreamEventType.create, .object(create))
                let call: JSONValue = [
                    "type": "function_call", "call_id": .string("call_\(round)"), "name": "shell", "arguments": "{}",
                ]
                let response: JSONValue = [
                    "id": .string("resp_\(round)"), "status": "completed", "output": [call],
                ]
                add(.upstreamIn, UpstreamEventType.completed, ["type": "response.completed", "response": response])
                add(.tool, ToolEventType.started, ["call_id": .string("call_\(round)"), "name": "shell", "arguments": "{}", "cwd": "/"])
                add(
                    .tool, ToolEventType.finished,
                    [
                        "call_id": .string("call_\(round)"), "exit_code": 0, "duration_ms": 1, "output": .string(padding),
                        "timed_out": false, "truncated_bytes": 0,
                    ])
                input = [Items.functionCallOutput(callID: "call_\(round)", output: padding)]
            }
            add(.run, RunEventType.completed, [:])
            for chunk in stride(from: 0, to: events.count, by: 100) {
                try await ledger.append(Array(events[chunk..<min(chunk + 100, events.count)]))
            }
            var times: [Duration] = []
            var bytes = 0
            for _ in 0..<5 {
                let start = ContinuousClock.now
                var state = RunState(id: run)
                var next: Int64 = 0
                while true {
                    let page = try await ledger.events(of: run, fromSeq: next, limit: 4096)
                    for event in page { RunReducer.reduce(&state, event) }
                    guard let last = page.last else { break }
                    next = last.seq + 1
                }
                bytes = JSONValue.array(state.conversation + state.pendingInput).serialized.utf8.count
                times.append(ContinuousClock.now - start)
            }
            return (times, bytes)
        }
    }
}

/// When the first frame of the latest request arrived.
final class FirstFrameLog: Sendable {
    private let instant = Mutex<ContinuousClock.Instant?>(nil)

    func record(_ at: ContinuousClock.Instant) { instant.withLock { $0 = at } }

    var latest: ContinuousClock.Instant? { instant.withLock { $0 } }
}

/// Passes leases through, noting when each request's first frame arrives.
struct FirstFrameUpstream: ResponsesUpstream {
    let inner: any ResponsesUpstream
    let log: FirstFrameLog

    func lease(for run: RunID) async throws -> any UpstreamLane {
        FirstFrameLane(inner: try await inner.lease(for: run), log: log)
    }

    func compact(_ body: String) async throws -> String { try await inner.compact(body) }
}

/// A lane that reports its responses' first frames to a ``FirstFrameLog``.
struct FirstFrameLane: UpstreamLane {
    let inner: any UpstreamLane
    let log: FirstFrameLog

    var streamID: String? { inner.streamID }
    var isUsable: Bool { inner.isUsable }

    func reserve() async -> Bool { await inner.reserve() }

    func send(_ frame: String) async throws -> AsyncThrowingStream<String, any Error> {
        let frames = try await inner.send(frame)
        let log = self.log
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    var first = true
                    for try await text in frames {
                        if first { log.record(.now) }
                        first = false
                        continuation.yield(text)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    func steer(_ frame: String) async -> SteerSubmission { await inner.steer(frame) }

    func release() async { await inner.release() }
}
