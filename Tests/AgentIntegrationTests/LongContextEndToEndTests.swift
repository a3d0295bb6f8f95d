import AgentModel
import Foundation
import Testing

/// Long runs against a model with a small context window: thirty tool calls whose outputs add up to five times
/// the emulator's window finish with the right answer, by `/responses/compact` recovery (default config), by
/// inline compaction below the window, and after a SIGKILL following the first compaction.
@Suite(.serialized)
struct LongContextEndToEndTests {
    /// The emulator's context window in tokens (4 bytes each).
    static let window = 16_000
    /// Padding bytes in each call's output: 30 outputs of ~10.7 KB are ~80,000 tokens, five windows.
    static let padding = 10_700
    static let model = "emu-big-30-\(padding)"

    /// The digest the model must report: each call's real stdout (`step-k N`, then the padding line) plus "\n".
    static func expectedDigest() throws -> String {
        let pad = String(repeating: "x", count: padding)
        return try sha256sum((0..<30).map { "step-\($0) \($0 * 7 + 3)\n\(pad)\n\n" }.joined())
    }

    @Test func defaultConfigRecoversContextOverflowThroughCompact() async throws {
        let harness = try await DaemonHarness(emulatorArguments: ["--context-window", "\(Self.window)"])
        defer { Task { await harness.stop() } }

        let live = try await harness.agentctl(
            ["start", "--model", Self.model, "read thirty big outputs"], timeout: .seconds(300))
        #expect(live.status == 0, "stderr: \(live.stderr.suffix(5))")
        #expect(live.stdout.contains("digest=\(try Self.expectedDigest())"))

        let events = try await ledger(harness, of: runID(live))
        // The window was exceeded, each time recovered by one recorded `/responses/compact` round trip.
        let overflows = events.filter { $0.kind == .upstreamIn && $0.payload.contains("context_length_exceeded") }
        let compacts = events.filter { $0.type == CompactionEventType.request }
        let answers = events.filter { $0.type == CompactionEventType.answer }
        #expect(overflows.count >= 4)
        #expect(compacts.count == overflows.count)
        #expect(answers.count == compacts.count)
        // After each compaction a new chain starts from its output: user messages, then the compaction item.
        for answer in answers {
            let next = try #require(events.first { $0.seq > answer.seq && $0.type == UpstreamEventType.create })
            let frame = try JSONValue.parse(next.payload)
            #expect(frame["previous_response_id"] == nil)
            #expect(Items.normalize(frame["input"]).map { $0["type"]?.stringValue } == ["message", "compaction"])
        }
        let recording = try await harness.emulatorRecording()
        #expect(recording.violations.isEmpty)
    }

    @Test func inlineCompactionBelowTheWindowNeverOverflows() async throws {
        let harness = try await DaemonHarness(
            emulatorArguments: ["--context-window", "\(Self.window)"],
            daemonConfig: "[run]\ncompact_threshold = \(Self.window / 2)\n")
        defer { Task { await harness.stop() } }

        let live = try await harness.agentctl(
            ["start", "--model", Self.model, "read thirty big outputs"], timeout: .seconds(300))
        #expect(live.status == 0, "stderr: \(live.stderr.suffix(5))")
        #expect(live.stdout.contains("digest=\(try Self.expectedDigest())"))

        let id = try runID(live)
        let events = try await ledger(harness, of: id)
        #expect(!events.contains { $0.payload.contains("context_length_exceeded") })
        #expect(!events.contains { $0.type == CompactionEventType.request })
        let creates = try events.filter { $0.type == UpstreamEventType.create }.map { try JSONValue.parse($0.payload) }
        #expect(
            creates.allSatisfy {
                $0["context_management"] == [
                    ["type": "compaction", "compact_threshold": .number(Double(Self.window / 2))]
                ]
            })
        #expect(creates.allSatisfy { $0["prompt_cache_key"]?.stringValue == id })
        let compacted = events.filter { $0.type == "response.compaction.compacting" }
        #expect(compacted.count >= 4)

        // `agentctl show` reports the conversation's estimated size (below the window) and the compactions.
        let shown = try await harness.agentctl(["show", id, "--json"])
        let info = try JSONValue.parse(shown.stdout.joined())
        #expect(info["compactions"]?.intValue == compacted.count)
        let size = try #require(info["context_tokens"]?.intValue)
        #expect(size > 0 && size < Self.window)
    }

    @Test func restartAfterACompactionRebuildsFromTheCompactionItem() async throws {
        let harness = try await DaemonHarness(
            emulatorArguments: ["--context-window", "\(Self.window)"],
            daemonConfig: "[run]\ncompact_threshold = \(Self.window / 2)\n")
        defer { Task { await harness.stop() } }
        let started = try await harness.agentctl([
            "start", "--detach", "--json", "--model", Self.model, "read thirty big outputs",
        ])
        let id = try #require(
            try JSONDecoder().decode([String: String].self, from: Data(started.stdout.joined().utf8))["id"])

        // SIGKILL once the first response carrying a compaction item is committed.
        let watcher = try ChildProcess(
            "agentctl", ["attach", id, "--json"], environment: ["AGENTD_SOCKET": harness.socket])
        _ = try await watcher.waitForLine { line in
            line.contains(#""type":"response.completed""#) && line.contains(#"\"type\":\"compaction\""#)
        }
        try await harness.crashAndRestartDaemon()
        _ = try? await watcher.waitForExit()

        // A call cut short by the kill is uncertain: the echo is harmless, so a person approves it again.
        let ending = try await approveUncertainCalls(harness, id)
        #expect(ending == RunEventType.completed)

        let events = try await ledger(harness, of: id)
        let answer = events.last { $0.type == "response.completed" }.map(\.payload) ?? ""
        #expect(answer.contains("digest=\(try Self.expectedDigest())"))
        #expect(!events.contains { $0.payload.contains("context_length_exceeded") })
        // The first request after the restart is a full-context rebuild (the server's chain died with the
        // connection) that starts from the compaction item.
        let firstCompacted = try #require(
            events.first { $0.type == "response.completed" && $0.payload.contains(#""type":"compaction""#) })
        let rebuilt = try #require(
            events.first {
                $0.seq > firstCompacted.seq && $0.type == UpstreamEventType.create
                    && !$0.payload.contains("previous_response_id")
            })
        #expect(
            events.contains {
                $0.type == RunEventType.interrupted || $0.type == RunEventType.resumed
                    || $0.type == RunEventType.chainReset
            })
        let frame = try JSONValue.parse(rebuilt.payload)
        let input = Items.normalize(frame["input"])
        let compaction = try #require(input.firstIndex { $0["type"]?.stringValue == "compaction" })
        #expect(input[..<compaction].allSatisfy { $0["role"]?.stringValue == "user" })
        #expect(ConversationCompaction.estimatedTokens(input) < Self.window)
        // The whole history, past the compaction threshold, was not resent: the rebuild is smaller than the tool
        // outputs before it alone.
        let outputs = events.filter { $0.type == ToolEventType.finished && $0.seq < rebuilt.seq }
        let historyTokens = outputs.map(\.payload.utf8.count).reduce(0, +) / 4
        #expect(historyTokens > Self.window / 2)
        #expect(ConversationCompaction.estimatedTokens(input) < historyTokens)
    }

    // MARK: Helpers

    private func runID(_ result: CommandResult) throws -> String {
        String(try #require(result.stderr.first { $0.hasPrefix("run run_") }?.split(separator: " ")[1]))
    }

    private func ledger(_ harness: DaemonHarness, of id: String) async throws -> [LedgerEvent] {
        let log = try await harness.agentctl(["log", "--json", id])
        return try log.stdout.map { try JSONCoding.decode(LedgerEvent.self, from: $0) }
    }

    /// Follows run `id`, approving every uncertain call, until it ends; returns the ending event's type.
    private func approveUncertainCalls(_ harness: DaemonHarness, _ id: String) async throws -> String {
        var decided: Set<String> = []
        for _ in 0..<5 {
            let known = decided
            let follower = try ChildProcess(
                "agentctl", ["attach", id, "--json"], environment: ["AGENTD_SOCKET": harness.socket])
            let line = try await follower.waitForLine(timeout: .seconds(300)) { line in
                guard let event = try? JSONCoding.decode(LedgerEvent.self, from: line) else { return false }
                if event.kind == .run,
                    [RunEventType.completed, RunEventType.failed, RunEventType.cancelled].contains(event.type)
                {
                    return true
                }
                guard event.type == ControlEventType.approvalRequested,
                    let request = try? JSONCoding.decode(ApprovalRequested.self, from: event.payload)
                else { return false }
                return !known.contains(request.callID)
            }
            follower.signal(SIGTERM)
            _ = try? await follower.waitForExit()
            let event = try JSONCoding.decode(LedgerEvent.self, from: line)
            guard event.type == ControlEventType.approvalRequested else { return event.type }
            let request = try JSONCoding.decode(ApprovalRequested.self, from: event.payload)
            decided.insert(request.callID)
            let approved = try await harness.agentctl(["approve", id, request.callID])
            guard approved.status == 0 else { throw HarnessError("agentctl approve: \(approved.stderr)") }
        }
        throw HarnessError("more than five uncertain calls")
    }
}
