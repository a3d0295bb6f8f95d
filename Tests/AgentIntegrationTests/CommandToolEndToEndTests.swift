import AgentModel
import Foundation
import Testing

/// A `[[tools.command]]` tool from the config file completes a run against the emulator, journaled in the ledger.
@Suite(.serialized)
struct CommandToolEndToEndTests {
    // The emulator's tool-chatty model calls a non-shell tool with `{}`: the `default` of the schema fills `{file}`.
    static let config = """
        [run]
        tools = ["shell"]

        [[tools.command]]
        name = "count_words"
        description = "Count the words of a file in the run's directory."
        argv = ["wc", "-w", "{file}"]
        idempotent = true
        timeout_ms = 10000
        parameters = { type = "object", properties = { file = { type = "string", default = "notes.txt" } } }
        """

    @Test func aConfiguredCommandToolCompletesARunAndIsJournaled() async throws {
        let harness = try await DaemonHarness(daemonConfig: Self.config)
        defer { Task { await harness.stop() } }
        try "one two three\n".write(toFile: harness.workDirectory + "/notes.txt", atomically: true, encoding: .utf8)

        let live = try await harness.agentctl([
            "start", "--model", "emu-tools-2-tool-count_words", "--tool", "count_words", "count the words twice",
        ])
        #expect(live.status == 0, "stderr: \(live.stderr)")
        #expect(live.stdout.contains { $0.hasPrefix("Completed 2 tool calls.") })

        let runID = try #require(live.stderr.first { $0.hasPrefix("run run_") }?.split(separator: " ")[1])
        let log = try await harness.agentctl(["log", "--json", String(runID)])
        let events = try log.stdout.map { try JSONCoding.decode(LedgerEvent.self, from: $0) }
        let started = try events.filter { $0.type == ToolEventType.started }
            .map { try JSONCoding.decode(ToolStarted.self, from: $0.payload) }
        let finished = try events.filter { $0.type == ToolEventType.finished }
            .map { try JSONCoding.decode(ToolFinished.self, from: $0.payload) }
        #expect(started.map(\.name) == ["count_words", "count_words"])
        #expect(finished.map(\.exitCode) == [0, 0])
        #expect(finished.allSatisfy { $0.output.contains(#""stdout":"3 notes.txt\n""#) })

        // The definition went upstream with the run's other tools.
        let recording = try await harness.emulatorRecording()
        let first = try #require(recording.connections.flatMap(\.inbound).first)
        let create = try JSONCoding.decode(JSONValue.self, from: first)
        let names = create["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(names == ["shell", "count_words"])
    }

    /// A tool whose program does not exist shows why on its tool line, in `show` and from `output` (issue 13
    /// item 6: it showed `error in 0.0 ms` and nothing else).
    @Test func aToolThatCannotStartShowsWhyEverywhereItIsShown() async throws {
        let config = """
            [[tools.command]]
            name = "lint"
            description = "Run the linter."
            argv = ["agentd-no-such-linter", "{file}"]
            parameters = { type = "object", properties = { file = { type = "string", default = "notes.txt" } } }
            """
        let harness = try await DaemonHarness(daemonConfig: config)
        defer { Task { await harness.stop() } }
        let live = try await harness.agentctl([
            "start", "--model", "emu-tools-1-tool-lint", "--tool", "lint", "lint it",
        ])
        #expect(live.status == 0, "stderr: \(live.stderr)")
        let toolLine = try #require(live.stdout.first { $0.hasPrefix("[tool] lint ") })
        #expect(toolLine.contains(" -> error in "), "\(toolLine)")
        #expect(toolLine.contains(": ") && toolLine.contains("agentd-no-such-linter"), "\(toolLine)")

        let runID = try #require(live.stderr.first { $0.hasPrefix("run run_") }?.split(separator: " ")[1])
        let shown = try await harness.agentctl(["show", String(runID), "--json"])
        let call = try #require(
            try JSONCoding.decode(JSONValue.self, from: shown.stdout.joined())["tool_calls"]?.arrayValue?.first)
        let error = try #require(call["error"]?.stringValue)
        #expect(error.contains("agentd-no-such-linter"))
        let human = try await harness.agentctl(["show", String(runID)])
        let line = human.stdout.first { $0.hasPrefix("  - lint ") }
        #expect(line?.contains(" -> error in ") == true && line?.hasSuffix(": " + error) == true, "\(human.stdout)")

        let callID = try #require(call["call_id"]?.stringValue)
        let output = try await harness.agentctl(["output", String(runID), callID])
        #expect(output.status == 1)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr == ["agentctl: tool call \(callID) never ran: \(error)"])
    }

    @Test func aBadCommandToolIsRefusedAtStartUpWithItsLine() async throws {
        let directory = "/tmp/agentd-it-" + String(UInt32.random(in: .min ... .max), radix: 36)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/agentd.toml"
        try """
        [[tools.command]]
        name = "lint"
        description = "Run the linter."
        argv = ["make", "{target}"]
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let daemon = try ChildProcess(
            "agentd", ["--config", path, "--socket", directory + "/s.sock", "--state-dir", directory + "/state"])
        let status = try await daemon.waitForExit(timeout: .seconds(20))
        #expect(status != 0)
        let message = "\(path):4: tools.command[0].argv: argv uses {target}, which is not in parameters.properties"
        #expect(daemon.stderr.contains { $0.contains(message) }, "stderr: \(daemon.stderr)")
    }
}
