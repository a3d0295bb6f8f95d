import AgentModel
import Foundation
import Testing

/// `agentctl log` for people (one line per event), `--json` for programs, and `attach --last N` (issue 13 item 8).
@Suite(.serialized)
struct LogAndAttachEndToEndTests {
    @Test func logPrintsOneReadableLinePerEventAndJSONLinesWithTheFlag() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let live = try await harness.agentctl(["start", "--model", "emu-tools-2", "two steps"])
        #expect(live.status == 0, "stderr: \(live.stderr)")
        let run = String(try #require(live.stderr.first { $0.hasPrefix("run run_") }?.split(separator: " ")[1]))
        let events = try await harness.agentctl(["log", "--json", run]).stdout.map {
            try JSONCoding.decode(LedgerEvent.self, from: $0)
        }
        #expect(events.map(\.seq) == Array(0..<Int64(events.count)))

        let human = try await harness.agentctl(["log", run])
        #expect(human.status == 0)
        #expect(human.stdout.count == events.count)
        // `   7  23:41:02.123  tool.finished  call_… exit 0 in 1.2 ms`: seq, time, type, summary (wording:
        // LogLineTests).
        for (line, event) in zip(human.stdout, events) {
            let head =
                #"^ *\#(event.seq)  \d\d:\d\d:\d\d\.\d\d\d  "# + NSRegularExpression.escapedPattern(for: event.type)
            #expect(line.range(of: head + "(  .*)?$", options: .regularExpression) != nil, "\(line)")
        }
        let finished = human.stdout.filter { $0.contains("  tool.finished  ") }
        #expect(finished.count == 2 && finished.allSatisfy { $0.contains(" exit 0 in ") })
        let first = try #require(human.stdout.first)
        #expect(first.contains("  run.started  emu-tools-2 in /") && first.hasSuffix(": two steps"), "\(first)")
    }

    @Test func attachLastStartsFromTheRunsLastEvents() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let live = try await harness.agentctl(["start", "--model", "emu-tools-1", "one step"])
        #expect(live.status == 0, "stderr: \(live.stderr)")
        let run = String(try #require(live.stderr.first { $0.hasPrefix("run run_") }?.split(separator: " ")[1]))
        let events = try await harness.agentctl(["log", "--json", run]).stdout.map {
            try JSONCoding.decode(LedgerEvent.self, from: $0)
        }

        let last = try await harness.agentctl(["attach", run, "--last", "3", "--json"])
        #expect(last.status == 0)
        #expect(try last.stdout.map { try JSONCoding.decode(LedgerEvent.self, from: $0) } == Array(events.suffix(3)))
        // More than the run has: all of it.
        let all = try await harness.agentctl(["attach", run, "--last", "100000", "--json"])
        #expect(try all.stdout.map { try JSONCoding.decode(LedgerEvent.self, from: $0) } == events)
        let both = try await harness.agentctl(["attach", run, "--last", "3", "--from", "2"])
        #expect(both.status == 64)
        #expect(both.stderr.contains { $0.contains("give --from or --last, not both") })
    }
}
