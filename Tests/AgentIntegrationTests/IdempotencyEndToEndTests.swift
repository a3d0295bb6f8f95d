import AgentModel
import Foundation
import Testing

/// `request_id` over real processes: the key's record lives in the ledger, so a request retried after agentd was
/// killed (SIGKILL) and restarted gets the first answer and is not applied again.
@Suite(.serialized)
struct IdempotencyEndToEndTests {
    /// Sends one request on a fresh connection (on a thread of its own) and returns its `result`.
    ///
    /// - Throws: ``HarnessError`` with the wire error when the request fails.
    private func call(_ harness: DaemonHarness, _ method: String, _ params: JSONValue) async throws -> JSONValue {
        let socket = harness.socket
        return try await onThread {
            let client = try ControlSocket(path: socket)
            try client.initialize(name: "idempotency-test")
            return try client.call(method, params)
        }
    }

    /// The wire error code of a request that must fail.
    private func errorCode(_ harness: DaemonHarness, _ method: String, _ params: JSONValue) async throws -> String {
        do {
            let result = try await call(harness, method, params)
            throw HarnessError("\(method) was expected to fail but answered \(result.serialized)")
        } catch let error as HarnessError where error.description.hasPrefix("\(method) failed: ") {
            let wire = try JSONValue.parse(String(error.description.dropFirst("\(method) failed: ".count)))
            return wire["code"].map(\.serialized) ?? "none"
        }
    }

    /// Every frame agentd sent upstream that carries `text` as a user message.
    private func framesCarrying(_ text: String, _ harness: DaemonHarness) async throws -> [JSONValue] {
        let recording = try await harness.emulatorRecording()
        #expect(recording.violations.isEmpty, "\(recording.violations)")
        let message = Items.userMessage(text)
        return try recording.connections.flatMap(\.inbound).map { try JSONValue.parse($0) }.filter {
            Items.normalize($0["input"]).contains(message)
        }
    }

    @Test func aRunStartRetriedAfterACrashReturnsTheSameRunAndStartsNoOther() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        func params(_ prompt: String) -> JSONValue {
            ["prompt": .string(prompt), "cwd": .string(harness.workDirectory), "request_id": "start-after-crash"]
        }
        let first = try await call(harness, "run/start", params("only once"))
        let run = try #require(first["run"]?["id"]?.stringValue)

        try await harness.crashAndRestartDaemon()
        let retried = try await call(harness, "run/start", params("only once"))
        let reused = try await errorCode(harness, "run/start", params("another prompt"))
        let listed = try await call(harness, "run/list", [:])
        let runs = listed["runs"]?.arrayValue?.compactMap { $0["id"]?.stringValue }

        #expect(retried == first)
        #expect(reused == "-32009")
        #expect(runs == [run])
    }

    @Test func anInputRetriedAfterACrashIsAnsweredFromTheLedgerAndReachesTheModelOnce() async throws {
        // Steering needs automatic compaction off (the service does not steer compacting responses).
        let harness = try await DaemonHarness(daemonConfig: SteeringEndToEndTests.steeringConfig)
        defer { Task { await harness.stop() } }
        let run = try await harness.startDetached(["--model", "emu-text-wait-steer", "first words"])
        let follower = try harness.follow(run)
        // The `wait-steer` model holds its stream after the first delta until a steer arrives.
        _ = try await follower.waitForLine { line in
            (try? JSONCoding.decode(LedgerEvent.self, from: line))?.type == UpstreamEventType.outputTextDelta
        }
        func params(_ text: String) -> JSONValue {
            ["run_id": .string(run), "text": .string(text), "request_id": "input-after-crash"]
        }
        let first = try await call(harness, "run/input", params("exactly once"))
        #expect(try await follower.waitForExit(timeout: .seconds(60)) == 0)

        try await harness.crashAndRestartDaemon()
        // The run has completed: without the stored result this retry would be refused (the run is not active).
        let retried = try await call(harness, "run/input", params("exactly once"))
        let reused = try await errorCode(harness, "run/input", params("something else"))

        #expect(first["applied"] == .bool(true))
        #expect(retried == first)
        #expect(reused == "-32009")
        #expect(try await framesCarrying("exactly once", harness).count == 1)
        let types = try await harness.ledger(run).map(\.type)
        #expect(types.filter { $0 == ControlEventType.inputAdded }.count == 1)
    }
}
