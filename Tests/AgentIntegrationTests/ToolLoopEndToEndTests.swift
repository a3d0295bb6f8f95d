import AgentModel
import AgentProtocol
import Foundation
import Testing

/// The foundation scenario with real processes: agentctl → agentd → emulator and back, thirty tool calls.
@Suite(.serialized)
struct ToolLoopEndToEndTests {
    @Test func thirtyToolCallsRunOverOneWebSocketAndReplayIdentically() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }

        let live = try await harness.agentctl(["start", "--model", "emu-tools-30", "run the thirty-step check"])
        #expect(live.status == 0, "stderr: \(live.stderr)")

        // The digest the model reports must be that of the 30 outputs the shell really produced.
        let expectedOutputs = (0..<30).map { "step-\($0) \($0 * 7 + 3)\n" }
        let expectedDigest = try sha256sum(expectedOutputs.map { $0 + "\n" }.joined())
        #expect(live.stdout.contains("digest=\(expectedDigest)"))
        #expect(live.stdout.filter { $0.hasPrefix("[tool] shell: echo step-") && $0.contains("-> exit 0") }.count == 30)

        let runID = try #require(live.stderr.first { $0.hasPrefix("run run_") }?.split(separator: " ")[1])
        let shown = try await harness.agentctl(["show", String(runID), "--json"])
        let run = try JSONDecoder().decode(ShownRun.self, from: Data(shown.stdout.joined().utf8))
        #expect(run == ShownRun(id: String(runID), status: "completed", outputText: "Completed 30 tool calls.\ndigest=\(expectedDigest)"))

        // One connection carried the whole chain: 31 creates, each continuing the previous response with only new input.
        let recording = try await harness.emulatorRecording()
        #expect(recording.violations.isEmpty)
        let used = recording.connections.filter { !$0.inbound.isEmpty }
        #expect(used.count == 1)
        let creates = try used.flatMap(\.inbound).map { try JSONCoding.decode(JSONValue.self, from: $0) }
            .filter { $0["type"] == "response.create" }
        #expect(creates.count == 31)
        #expect(creates.first?["previous_response_id"] == nil)
        #expect(creates.dropFirst().allSatisfy { $0["previous_response_id"]?.stringValue?.hasPrefix("resp_") == true })
        #expect(creates.dropFirst().allSatisfy { Items.normalize($0["input"]).map { $0["type"] } == ["function_call_output"] })

        // Replaying from the ledger shows exactly what the live run showed.
        let replay = try await harness.agentctl(["attach", String(runID), "--from", "0"])
        #expect(replay.status == 0)
        #expect(replay.stdout == live.stdout)

        // The ledger has every frame both ways and every tool call; the key is nowhere.
        let log = try await harness.agentctl(["log", "--json", String(runID)])
        let events = try log.stdout.map { try JSONCoding.decode(LedgerEvent.self, from: $0) }
        #expect(events.map(\.seq) == Array(0..<Int64(events.count)))
        #expect(events.filter { $0.kind == .upstreamOut }.count == 31)
        #expect(events.filter { $0.type == "tool.started" }.count == 30)
        #expect(events.filter { $0.type == "tool.finished" }.count == 30)
        #expect(events.filter { $0.type == "response.completed" }.count == 31)
        let ledgerBytes = try Data(contentsOf: URL(fileURLWithPath: harness.stateDirectory + "/agentd.sqlite"))
            + ((try? Data(contentsOf: URL(fileURLWithPath: harness.stateDirectory + "/agentd.sqlite-wal"))) ?? Data())
        #expect(ledgerBytes.range(of: Data(DaemonHarness.apiKey.utf8)) == nil)
        #expect(!harness.daemon.stderr.contains { $0.contains(DaemonHarness.apiKey) })

        // An export replays offline, with no daemon, into the state the daemon reports.
        let export = try await harness.agentctl(["export", String(runID)])
        let exportPath = harness.directory + "/run.jsonl"
        try (export.stdout.joined(separator: "\n") + "\n").write(toFile: exportPath, atomically: true, encoding: .utf8)
        let offline = try ChildProcess("agentd", ["--replay", exportPath])
        #expect(try await offline.waitForExit() == 0)
        // In the shape `show --json` prints: one mapping of a run to JSON for both.
        let replayed = try JSONCoding.decode(RunInfo.self, from: offline.stdout.joined())
        #expect(replayed == (try JSONCoding.decode(RunInfo.self, from: shown.stdout.joined())))
        #expect(replayed.toolCalls.count == 30)
        #expect(replayed.lastSeq == Int64(events.count - 1))
    }

    @Test func cliExplainsWhenTheDaemonIsNotRunning() async throws {
        let child = try ChildProcess("agentctl", ["status"], environment: ["AGENTD_SOCKET": "/tmp/agentd-none/x.sock"])
        let status = try await child.waitForExit()
        #expect(status == 3)
        #expect(child.stderr.contains { $0.contains("agentd is not running") })
    }

    struct ShownRun: Decodable, Equatable {
        var id: String
        var status: String
        var outputText: String

        init(id: String, status: String, outputText: String) {
            self.id = id
            self.status = status
            self.outputText = outputText
        }

        enum CodingKeys: String, CodingKey {
            case id, status
            case outputText = "output_text"
        }
    }
}

/// SHA-256 of `text` by the system's `sha256sum`: an implementation independent of the emulator's.
func sha256sum(_ text: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(String(decoding: data, as: UTF8.self).prefix(64))
}
