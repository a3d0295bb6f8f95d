import AgentModel
import Foundation
import Testing

/// A `[[mcp.servers]]` server's tools complete runs against the emulator, journaled in the ledger like built-ins.
@Suite(.serialized)
struct MCPToolEndToEndTests {
    // The emulator's tool-chatty model calls a non-shell tool with `{}`; the test server's `echo` then answers
    // with its default text.
    static var config: String {
        """
        [run]
        tools = ["shell"]

        [[mcp.servers]]
        name = "testmcp"
        command = "\(ChildProcess.binDirectory.appendingPathComponent("mcp-test-server").path)"
        timeout_ms = 10000
        env = { MCP_TEST_MODE = "1" }
        """
    }

    @Test func anMCPToolCompletesARunAndIsJournaled() async throws {
        let harness = try await DaemonHarness(daemonConfig: Self.config)
        defer { Task { await harness.stop() } }

        let live = try await harness.agentctl([
            "start", "--model", "emu-tools-2-tool-testmcp__echo", "--tool", "testmcp__echo", "echo twice",
        ])
        #expect(live.status == 0, "stderr: \(live.stderr)")
        #expect(live.stdout.contains { $0.hasPrefix("Completed 2 tool calls.") })

        let events = try await Self.ledgerEvents(harness, live)
        let started = try events.filter { $0.type == ToolEventType.started }
            .map { try JSONCoding.decode(ToolStarted.self, from: $0.payload) }
        let finished = try events.filter { $0.type == ToolEventType.finished }
            .map { try JSONCoding.decode(ToolFinished.self, from: $0.payload) }
        #expect(started.map(\.name) == ["testmcp__echo", "testmcp__echo"])
        #expect(finished.map(\.exitCode) == [0, 0])
        #expect(finished.map(\.output) == ["hello from mcp", "hello from mcp"])

        // The definition went upstream with the server's input schema.
        let recording = try await harness.emulatorRecording()
        let first = try #require(recording.connections.flatMap(\.inbound).first)
        let create = try JSONCoding.decode(JSONValue.self, from: first)
        let tools = create["tools"]?.arrayValue ?? []
        let names = tools.compactMap { $0["name"]?.stringValue }
        #expect(names == ["shell", "testmcp__echo"])
        let echo = tools.first { $0["name"]?.stringValue == "testmcp__echo" }
        let textType = echo?["parameters"]?["properties"]?["text"]?["type"]?.stringValue
        #expect(textType == "string")
    }

    @Test func aCrashingMCPServerFailsTheCallCleanlyAndTheRunGoesOn() async throws {
        let harness = try await DaemonHarness(daemonConfig: Self.config)
        defer { Task { await harness.stop() } }

        let live = try await harness.agentctl([
            "start", "--model", "emu-tools-1-tool-testmcp__crash", "--tool", "testmcp__crash", "crash it",
        ])
        #expect(live.status == 0, "stderr: \(live.stderr)")
        #expect(live.stdout.contains { $0.hasPrefix("Completed 1 tool call") })

        let events = try await Self.ledgerEvents(harness, live)
        let finished = try events.filter { $0.type == ToolEventType.finished }
            .map { try JSONCoding.decode(ToolFinished.self, from: $0.payload) }
        #expect(finished.count == 1)
        let output = finished.first?.output ?? ""
        #expect(output.contains("MCP server 'testmcp' exited during the call"), "output: \(output)")
        #expect(finished.first?.exitCode == nil)
    }

    @Test func anMCPServerEntryWithoutACommandIsRefusedWithItsLine() async throws {
        let directory = "/tmp/agentd-it-" + String(UInt32.random(in: .min ... .max), radix: 36)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/agentd.toml"
        try """
        [[mcp.servers]]
        name = "fs.tools"
        command = "mcp-fs"
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let daemon = try ChildProcess(
            "agentd",
            ["--config", path, "--socket", directory + "/s.sock", "--state-dir", directory + "/state"])
        let status = try await daemon.waitForExit(timeout: .seconds(20))
        #expect(status != 0)
        let message = "\(path):2: mcp.servers[0].name: name 'fs.tools' must be"
        #expect(daemon.stderr.contains { $0.contains(message) }, "stderr: \(daemon.stderr)")
    }

    static func ledgerEvents(_ harness: DaemonHarness, _ live: CommandResult) async throws
        -> [LedgerEvent]
    {
        let runID = try #require(
            live.stderr.first { $0.hasPrefix("run run_") }?.split(separator: " ")[1])
        let log = try await harness.agentctl(["log", "--json", String(runID)])
        return try log.stdout.map { try JSONCoding.decode(LedgerEvent.self, from: $0) }
    }
}
