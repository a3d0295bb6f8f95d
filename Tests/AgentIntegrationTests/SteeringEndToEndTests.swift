import AgentModel
import Foundation
import Testing

/// `run/input` over real processes: steered into a streaming response (`response.steer`), queued while a tool runs,
/// queued after `steering_not_supported`; in every case the model receives the words exactly once.
@Suite(.serialized)
struct SteeringEndToEndTests {
    /// The service refuses `response.steer` for responses using automatic compaction, so these runs turn it off.
    static let steeringConfig = "[run]\ncompact_threshold = 0\n"

    /// Every frame agentd sent upstream, parsed.
    private func inboundFrames(_ harness: DaemonHarness) async throws -> [JSONValue] {
        let recording = try await harness.emulatorRecording()
        #expect(recording.violations.isEmpty, "\(recording.violations)")
        return try recording.connections.flatMap(\.inbound).map { try JSONCoding.decode(JSONValue.self, from: $0) }
    }

    /// Frames whose input carries `message` (as a user message item).
    private func frames(_ frames: [JSONValue], carrying message: JSONValue, type: String) -> [JSONValue] {
        frames.filter { $0["type"]?.stringValue == type && Items.normalize($0["input"]).contains(message) }
    }

    /// Waits until the follower printed an event of `type`.
    private func waitForEvent(_ follower: ChildProcess, _ type: String) async throws {
        _ = try await follower.waitForLine { line in
            (try? JSONCoding.decode(LedgerEvent.self, from: line))?.type == type
        }
    }

    @Test func inputWhileAResponseStreamsIsSteeredIntoItOnce() async throws {
        let harness = try await DaemonHarness(daemonConfig: Self.steeringConfig)
        defer { Task { await harness.stop() } }
        let run = try await harness.startDetached(["--model", "emu-text-wait-steer", "first words"])
        let follower = try harness.follow(run)
        // The `wait-steer` model holds its stream after the first delta until a steer arrives.
        try await waitForEvent(follower, UpstreamEventType.outputTextDelta)

        let added = try await harness.agentctl(["input", run, "--id", "steer-1", "--json", "change", "course"])
        #expect(added.status == 0, "stderr: \(added.stderr)")
        let retried = try await harness.agentctl(["input", run, "--id", "steer-1", "--json", "change", "course"])
        #expect(retried.status == 0, "stderr: \(retried.stderr)")
        #expect(try await follower.waitForExit(timeout: .seconds(60)) == 0)

        let message = Items.userMessage("change course")
        let upstream = try await inboundFrames(harness)
        let steers = frames(upstream, carrying: message, type: SteerEventType.steer)
        let creates = frames(upstream, carrying: message, type: UpstreamEventType.create)
        #expect(steers.count == 1)
        #expect(creates.isEmpty)
        #expect(Set(steers.first?.objectKeys ?? []) == ["type", "previous_response_id", "input"])

        let types = try await harness.ledger(run).map(\.type)
        #expect(types.filter { $0 == ControlEventType.inputAdded }.count == 1)
        #expect(types.filter { $0 == SteerEventType.accepted }.count == 1)
        #expect(types.contains(UpstreamEventType.incomplete))
        #expect(types.last == RunEventType.completed)
        let shown = try await harness.agentctl(["show", run, "--json"])
        let output = try JSONCoding.decode(JSONValue.self, from: shown.stdout.joined())["output_text"]?.stringValue
        #expect(output == "You said: first wordsYou said: change course")
    }

    @Test func inputWhileAToolRunsGoesIntoTheNextRequestOnce() async throws {
        let harness = try await DaemonHarness(daemonConfig: Self.steeringConfig)
        defer { Task { await harness.stop() } }
        // The call sleeps 4 s: ample time for `agentctl input` to land while it runs, even on a loaded machine.
        let run = try await harness.startDetached(["--model", "emu-slow-1-4000", "one slow step"])
        let follower = try harness.follow(run)
        try await waitForEvent(follower, ToolEventType.started)

        let added = try await harness.agentctl(["input", run, "--id", "tool-time", "--json", "while", "you", "wait"])
        #expect(added.status == 0, "stderr: \(added.stderr)")
        #expect(try await follower.waitForExit(timeout: .seconds(60)) == 0)

        let types = try await harness.ledger(run).map(\.type)
        let addedAt = types.firstIndex(of: ControlEventType.inputAdded)
        let finishedAt = types.firstIndex(of: ToolEventType.finished)
        #expect(addedAt != nil && finishedAt != nil && addedAt! < finishedAt!, "the input must land while the tool runs")
        let message = Items.userMessage("while you wait")
        let upstream = try await inboundFrames(harness)
        #expect(frames(upstream, carrying: message, type: SteerEventType.steer).isEmpty)
        let creates = frames(upstream, carrying: message, type: UpstreamEventType.create)
        #expect(creates.count == 1)
        let input = Items.normalize(creates.first?["input"])
        #expect(input.map { $0["type"]?.stringValue } == ["function_call_output", "message"])
    }

    @Test func steeringNotSupportedFallsBackToTheNextRequestOnce() async throws {
        let harness = try await DaemonHarness(daemonConfig: Self.steeringConfig)
        defer { Task { await harness.stop() } }
        let run = try await harness.startDetached(["--model", "emu-text-wait-steer-nosteer", "first words"])
        let follower = try harness.follow(run)
        try await waitForEvent(follower, UpstreamEventType.outputTextDelta)

        let added = try await harness.agentctl(["input", run, "--id", "refused", "--json", "queue", "me"])
        #expect(added.status == 0, "stderr: \(added.stderr)")
        #expect(try await follower.waitForExit(timeout: .seconds(60)) == 0)

        let message = Items.userMessage("queue me")
        let upstream = try await inboundFrames(harness)
        #expect(frames(upstream, carrying: message, type: SteerEventType.steer).count == 1)
        #expect(frames(upstream, carrying: message, type: UpstreamEventType.create).count == 1)
        let types = try await harness.ledger(run).map(\.type)
        #expect(types.filter { $0 == SteerEventType.failed }.count == 1)
        #expect(types.last == RunEventType.completed)
        let shown = try await harness.agentctl(["show", run, "--json"])
        let output = try JSONCoding.decode(JSONValue.self, from: shown.stdout.joined())["output_text"]?.stringValue
        #expect(output == "You said: first wordsYou said: queue me")
    }
}

extension JSONValue {
    /// The member names of an object (empty for other values).
    fileprivate var objectKeys: [String] {
        if case .object(let members) = self { return Array(members.keys) }
        return []
    }
}
