import TestSupport
import AgentModel
import Testing

@testable import AgentLedger

@Suite struct LedgerSummaryTests {
    @Test func summariesAndUnfinishedRunsFollowLifecycleEvents() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.file())
        defer { ledger.close() }
        let runs = (1...6).map { Fixture.run($0) }
        try await ledger.append([
            try Fixture.started(runs[0], 0, prompt: "one"), Fixture.lifecycle(runs[0], 1, RunEventType.completed),
        ])
        try await ledger.append(
            [try Fixture.started(runs[1], 0, prompt: "two")] + Fixture.deltas(runs[1], 1..<5)
                + [Fixture.lifecycle(runs[1], 5, RunEventType.chainReset)]
        )
        try await ledger.append([
            try Fixture.started(runs[2], 0, model: "m3", prompt: "three"),
            Fixture.lifecycle(runs[2], 1, RunEventType.interrupted),
        ])
        try await ledger.append([
            try Fixture.started(runs[3], 0, prompt: "four"), Fixture.lifecycle(runs[3], 1, RunEventType.failed),
            Fixture.lifecycle(runs[3], 2, "run.from_the_future"),
        ])
        try await ledger.append([
            try Fixture.started(runs[4], 0, prompt: "five"), Fixture.lifecycle(runs[4], 1, RunEventType.cancelled),
        ])
        // Deltas only: no lifecycle event, so not listed.
        try await ledger.append(Fixture.deltas(runs[5], 0..<3))
        let t0 = Fixture.t0

        let all = try await ledger.runSummaries(limit: 10, before: nil)
        let firstPage = try await ledger.runSummaries(limit: 2, before: nil)
        let secondPage = try await ledger.runSummaries(limit: 2, before: runs[3])
        let unfinished = try await ledger.unfinishedRuns()

        let expected = [
            RunSummary(
                id: runs[4], status: .cancelled, model: "gpt-test", prompt: "five", createdAtMillis: t0,
                updatedAtMillis: t0 + 1),
            RunSummary(
                id: runs[3], status: .failed, model: "gpt-test", prompt: "four", createdAtMillis: t0,
                updatedAtMillis: t0 + 2),
            RunSummary(
                id: runs[2], status: .interrupted, model: "m3", prompt: "three", createdAtMillis: t0,
                updatedAtMillis: t0 + 1),
            RunSummary(
                id: runs[1], status: .running, model: "gpt-test", prompt: "two", createdAtMillis: t0,
                updatedAtMillis: t0 + 5),
            RunSummary(
                id: runs[0], status: .completed, model: "gpt-test", prompt: "one", createdAtMillis: t0,
                updatedAtMillis: t0 + 1),
        ]
        .map { summary in
            // Runs of one turn each: the prompt is the first and the last.
            var summary = summary
            summary.turns = 1
            summary.lastPrompt = summary.prompt
            return summary
        }
        #expect(all == expected)
        #expect(firstPage == Array(expected[0..<2]))
        #expect(secondPage == Array(expected[2..<4]))
        #expect(unfinished == [runs[1], runs[2]])
    }

    @Test func emptyLedgerHasNoRuns() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.file())
        defer { ledger.close() }

        #expect(try await ledger.runSummaries(limit: 10, before: nil) == [])
        #expect(try await ledger.unfinishedRuns() == [])
        #expect(try await ledger.events(of: Fixture.run(1), fromSeq: 0, limit: 10) == [])
    }

    /// A conversation lists its turn count and last prompt; a fork (history in `run.forked`) and an idle run too.
    @Test func summariesCountTurnsOfConversationsAndForks() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.file())
        defer { ledger.close() }
        let runs = (1...3).map { Fixture.run($0) }
        func event(_ run: RunID, _ seq: Int64, _ type: String, _ payload: String) -> LedgerEvent {
            LedgerEvent(runID: run, seq: seq, timestampMillis: Fixture.t0 + seq, kind: .run, type: type, payload: payload)
        }
        let history = RunForked(
            parentRunID: runs[0], turn: 2,
            turns: [
                TurnRecord(turn: 1, prompt: "one", status: .completed),
                TurnRecord(turn: 2, prompt: "two", status: .cancelled),
            ],
            conversation: [Items.userMessage("one"), Items.userMessage("two")], outputText: "")
        try await ledger.append([
            try Fixture.started(runs[0], 0, prompt: "one"), Fixture.lifecycle(runs[0], 1, RunEventType.completed),
            event(runs[0], 2, RunEventType.turnStarted, #"{"turn":2,"prompt":"two"}"#),
            Fixture.lifecycle(runs[0], 3, RunEventType.completed),
            event(runs[0], 4, RunEventType.turnStarted, #"{"turn":3,"prompt":"three"}"#),
        ])
        try await ledger.append([
            try Fixture.started(runs[1], 0, prompt: ""),
            event(runs[1], 1, RunEventType.forked, try JSONCoding.encode(history)),
        ])
        try await ledger.append([try Fixture.started(runs[2], 0, prompt: "")])
        let listed = try await ledger.runSummaries(limit: 10, before: nil)
        #expect(listed.map(\.turns) == [0, 2, 3])
        #expect(listed.map(\.lastPrompt) == [nil, "two", "three"])
        #expect(listed.map(\.status) == [.idle, .idle, .running])
    }
}
