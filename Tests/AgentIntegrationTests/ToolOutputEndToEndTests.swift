import AgentModel
import AgentProtocol
import Foundation
import Testing

/// `agentctl output` prints a tool call's whole output from the ledger when the model saw only head and tail.
@Suite(.serialized)
struct ToolOutputEndToEndTests {
    static let config = """
        [[tools.command]]
        name = "print_file"
        description = "Print a file of the run's directory."
        argv = ["cat", "{file}"]
        idempotent = true
        timeout_ms = 10000
        parameters = { type = "object", properties = { file = { type = "string", default = "big.txt" } } }
        """

    @Test func theWholeOutputOfACutCallComesBackFromTheLedger() async throws {
        let harness = try await DaemonHarness(daemonConfig: Self.config)
        defer { Task { await harness.stop() } }
        // ~250 KB, far beyond the 16 KiB head + 16 KiB tail the model gets.
        let content = (0..<5000).map { "line \($0) of a file the model sees only the ends of" }.joined(separator: "\n") + "\n"
        try content.write(toFile: harness.workDirectory + "/big.txt", atomically: true, encoding: .utf8)

        let live = try await harness.agentctl([
            "start", "--model", "emu-tools-1-tool-print_file", "--tool", "print_file", "print the file",
        ])
        #expect(live.status == 0, "stderr: \(live.stderr)")
        let runID = try #require(live.stderr.first { $0.hasPrefix("run run_") }?.split(separator: " ")[1])
        let log = try await harness.agentctl(["log", "--json", String(runID)])
        let finished = try log.stdout.map { try JSONCoding.decode(LedgerEvent.self, from: $0) }
            .filter { $0.type == ToolEventType.finished }
            .map { try JSONCoding.decode(ToolFinished.self, from: $0.payload) }
        let call = try #require(finished.first)
        #expect(call.truncatedBytes > 0 && call.stdoutSHA256 != nil)
        #expect(!call.output.contains("line 2500 of"))

        let json = try await harness.agentctl(["output", String(runID), call.callID, "--json"])
        #expect(json.status == 0, "stderr: \(json.stderr)")
        let result = try JSONCoding.decode(ToolOutput.Result.self, from: json.stdout.joined())
        let bytes = try #require(Data(base64Encoded: result.dataBase64))
        #expect(result.source == .blob && result.totalBytes == content.utf8.count)
        #expect(String(decoding: bytes, as: UTF8.self) == content)

        let raw = try await harness.agentctl(["output", String(runID), call.callID])
        #expect(raw.stdout == content.split(separator: "\n").map(String.init))

        // Standard error was empty and not cut: what the model got holds it whole.
        let stderr = try await harness.agentctl(["output", String(runID), call.callID, "--stderr", "--json"])
        let stderrResult = try JSONCoding.decode(ToolOutput.Result.self, from: stderr.stdout.joined())
        #expect(stderrResult.source == .output)

        let unknown = try await harness.agentctl(["output", String(runID), "call_nope"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains { $0.contains("has no finished tool call call_nope") }, "\(unknown.stderr)")
    }
}
