import AgentModel
import Foundation
import Testing

/// A run is a conversation: turns with `start` and `send` across a graceful stop and a crash of agentd, each
/// request carrying the earlier turns (the `emu-chat` model reports the user messages it saw).
@Suite(.serialized)
struct ConversationEndToEndTests {
    @Test func fourTurnsSurviveAGracefulStopAndACrash() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }

        let first = try await harness.agentctl(["start", "--model", "emu-chat", "alpha"])
        #expect(first.status == 0, "stderr: \(first.stderr)")
        #expect(first.stdout.contains("turn 1; saw: alpha"))
        let runID = String(try #require(first.stderr.first { $0.hasPrefix("run run_") }?.split(separator: " ")[1]))

        let second = try await harness.agentctl(["send", runID, "beta"])
        #expect(second.status == 0, "stderr: \(second.stderr)")
        #expect(second.stdout == ["turn 2; saw: alpha | beta"])

        try await harness.restartDaemon(signal: SIGTERM)
        let third = try await harness.agentctl(["send", runID, "gamma"])
        #expect(third.status == 0, "stderr: \(third.stderr)")
        #expect(third.stdout == ["turn 3; saw: alpha | beta | gamma"])

        try await harness.crashAndRestartDaemon()
        let fourth = try await harness.agentctl(["send", runID, "delta"])
        #expect(fourth.status == 0, "stderr: \(fourth.stderr)")
        #expect(fourth.stdout == ["turn 4; saw: alpha | beta | gamma | delta"])

        // Turn 2 continued the chain on the lane that cached turn 1; after each restart the connection's cache was
        // gone, so turns 3 and 4 sent the whole conversation rebuilt from the ledger.
        let recording = try await harness.emulatorRecording()
        #expect(recording.violations.isEmpty)
        let creates = try recording.connections.flatMap(\.inbound).map { try JSONCoding.decode(JSONValue.self, from: $0) }
            .filter { $0["type"] == "response.create" }
        #expect(creates.count == 4)
        #expect(creates.map { $0["previous_response_id"] != nil } == [false, true, false, false])
        let userTexts = creates.map { create in
            Items.normalize(create["input"]).filter { $0["role"] == "user" }
                .compactMap { $0["content"]?.arrayValue?.first?["text"]?.stringValue }
        }
        #expect(userTexts == [["alpha"], ["beta"], ["alpha", "beta", "gamma"], ["alpha", "beta", "gamma", "delta"]])

        // The whole conversation replays from the ledger: every turn's answer, ending with the last turn's status.
        let replay = try await harness.agentctl(["attach", runID, "--from", "0"])
        #expect(replay.status == 0, "stderr: \(replay.stderr)")
        #expect(
            replay.stdout == [
                "turn 1; saw: alpha", "turn 2; saw: alpha | beta", "turn 3; saw: alpha | beta | gamma",
                "turn 4; saw: alpha | beta | gamma | delta",
            ])
        let log = try await harness.agentctl(["log", "--json", runID])
        let events = try log.stdout.map { try JSONCoding.decode(LedgerEvent.self, from: $0) }
        #expect(events.filter { $0.type == RunEventType.turnStarted }.count == 3)
        #expect(events.filter { $0.type == RunEventType.completed }.count == 4)

        let shown = try await harness.agentctl(["show", runID, "--json"])
        let info = try JSONValue.parse(shown.stdout.joined())
        #expect(info["turns"] == 4)
        #expect(info["last_prompt"] == "delta")
        #expect(info["status"] == "completed")
    }

    /// A fork holds the parent's conversation up to the chosen turn; prompted, the two runs go on independently.
    @Test func aForkHasTheParentsTurnsUpToTheChosenOneAndThenDiverges() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }

        let first = try await harness.agentctl(["start", "--model", "emu-chat", "alpha"])
        #expect(first.status == 0, "stderr: \(first.stderr)")
        let parent = String(try #require(first.stderr.first { $0.hasPrefix("run run_") }?.split(separator: " ")[1]))
        let second = try await harness.agentctl(["send", parent, "beta"])
        #expect(second.stdout == ["turn 2; saw: alpha | beta"])

        let socket = harness.socket
        let forked = try await onThread { () throws -> JSONValue in
            let client = try ControlSocket(path: socket)
            try client.initialize(name: "fork-test")
            return try client.call("run/fork", ["run_id": .string(parent), "at_turn": 1])
        }
        let fork = try #require(forked["run"]?["id"]?.stringValue)
        #expect(fork != parent)
        #expect(forked["run"]?["status"] == "idle")
        #expect(forked["run"]?["turns"] == 1)

        let forkTurn = try await harness.agentctl(["send", fork, "gamma"])
        #expect(forkTurn.status == 0, "stderr: \(forkTurn.stderr)")
        #expect(forkTurn.stdout == ["turn 2; saw: alpha | gamma"])
        let parentTurn = try await harness.agentctl(["send", parent, "delta"])
        #expect(parentTurn.stdout == ["turn 3; saw: alpha | beta | delta"])
        let forkAgain = try await harness.agentctl(["send", fork, "epsilon"])
        #expect(forkAgain.stdout == ["turn 3; saw: alpha | gamma | epsilon"])

        // The fork's ledger holds its own history: its log starts with run.started and run.forked.
        let log = try await harness.agentctl(["log", "--json", fork])
        let events = try log.stdout.map { try JSONCoding.decode(LedgerEvent.self, from: $0) }
        #expect(events.prefix(2).map(\.type) == [RunEventType.started, RunEventType.forked])
    }

    /// `run/start` without a prompt makes an idle run (an editor's new session): nothing goes upstream until the
    /// first prompt, which opens turn 1; an idle run survives a restart as idle.
    @Test func aRunStartedWithoutAPromptIsIdleUntilItsFirstPrompt() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let socket = harness.socket
        let cwd = harness.workDirectory
        let started = try await onThread { () throws -> JSONValue in
            let client = try ControlSocket(path: socket)
            try client.initialize(name: "idle-test")
            return try client.call("run/start", ["model": "emu-chat", "cwd": .string(cwd)])
        }
        let run = try #require(started["run"]?["id"]?.stringValue)
        #expect(started["run"]?["status"] == "idle")
        #expect(started["run"]?["turns"] == 0)

        try await harness.restartDaemon(signal: SIGTERM)
        let first = try await harness.agentctl(["send", run, "hello"])
        #expect(first.status == 0, "stderr: \(first.stderr)")
        #expect(first.stdout == ["turn 1; saw: hello"])
        let recording = try await harness.emulatorRecording()
        let creates = try recording.connections.flatMap(\.inbound).map { try JSONCoding.decode(JSONValue.self, from: $0) }
            .filter { $0["type"] == "response.create" }
        #expect(creates.count == 1)
    }
}
