import TestSupport
import AgentModel
import Foundation
import Testing

@testable import AgentLedger

@Suite struct LedgerFailureTests {
    @Test func duplicateSeqRejectsOnlyTheOffendingAppend() async throws {
        let directory = try TemporaryDirectory()
        let log = ObserverLog()
        let ledger = try Ledger(path: directory.file(), observer: log.observer)
        defer { ledger.close() }
        let (a, b, c, d) = (Fixture.run(1), Fixture.run(2), Fixture.run(3), Fixture.run(4))
        try await ledger.append(Fixture.deltas(a, 0..<3))

        // Hold the writer so all of these land in one batch with the duplicate.
        let resume = ledger.pauseWriterForTesting()
        let appendB = Task { try await ledger.append(Fixture.deltas(b, 0..<10)) }
        await ledger.waitUntilQueued(10)
        let duplicate = Task { try await ledger.append([Fixture.delta(a, 1, "again")]) }
        await ledger.waitUntilQueued(11)
        let appendC = Task { try await ledger.append(Fixture.deltas(c, 0..<10)) }
        await ledger.waitUntilQueued(21)
        ledger.enqueue(Fixture.deltas(d, 0..<5))
        let appendA = Task { try await ledger.append([Fixture.delta(a, 3)]) }
        await ledger.waitUntilQueued(27)
        resume()

        try await appendB.value
        try await appendC.value
        try await appendA.value
        let error = await #expect(throws: LedgerFailure.self) { try await duplicate.value }
        #expect(error?.code == .rejected)
        #expect(ledger.failure == nil)
        #expect(try await ledger.allEvents(of: a) == Fixture.deltas(a, 0..<4))
        #expect(try await ledger.allEvents(of: b) == Fixture.deltas(b, 0..<10))
        #expect(try await ledger.allEvents(of: c) == Fixture.deltas(c, 0..<10))
        #expect(try await ledger.allEvents(of: d) == Fixture.deltas(d, 0..<5))
        #expect(!log.events.contains(Fixture.delta(a, 1, "again")))
        #expect(log.events.count == 29)
    }

    @Test func failedEnqueueIsReportedByTheRunsNextAppend() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.file())
        defer { ledger.close() }
        let (a, b) = (Fixture.run(1), Fixture.run(2))
        try await ledger.append(Fixture.deltas(a, 0..<3))

        ledger.enqueue([Fixture.delta(a, 2, "duplicate")])
        try await ledger.append([Fixture.delta(b, 0)])
        let error = await #expect(throws: LedgerFailure.self) { try await ledger.append([Fixture.delta(a, 3)]) }

        #expect(error?.code == .rejected)
        #expect(error?.message.contains("queued earlier") == true)
        // Reported once: the run's next append goes through.
        try await ledger.append([Fixture.delta(a, 3)])
        #expect(try await ledger.allEvents(of: a) == Fixture.deltas(a, 0..<4))
        #expect(try await ledger.allEvents(of: b) == [Fixture.delta(b, 0)])
    }

    @Test func aForgottenDeferredFailureDoesNotFailTheRunsNextAppend() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.file())
        defer { ledger.close() }
        let run = Fixture.run(1)
        try await ledger.append(Fixture.deltas(run, 0..<3))
        ledger.enqueue([Fixture.delta(run, 2, "duplicate")])
        // The failed enqueue is processed before the forget (both go through the writer's queue in order).
        try await ledger.append([Fixture.delta(Fixture.run(2), 0)])

        await ledger.forgetDeferredFailures(of: run)

        try await ledger.append([Fixture.delta(run, 3)])
        #expect(try await ledger.allEvents(of: run) == Fixture.deltas(run, 0..<4))
    }

    @Test func diskFullFailsTheBatchWithoutPoisoning() async throws {
        let directory = try TemporaryDirectory()
        let log = ObserverLog()
        let ledger = try Ledger(path: directory.file(), observer: log.observer)
        defer { ledger.close() }
        let run = Fixture.run(1)
        try await ledger.append([Fixture.delta(run, 0)])
        let pages = try #require(try ledger.writerPragmaForTesting("page_count"))
        try ledger.executeOnWriterForTesting("PRAGMA max_page_count = \(pages)")
        let big = LedgerEvent(
            runID: run, seq: 1, timestampMillis: 1, kind: .tool, type: ToolEventType.finished,
            payload: String(repeating: "y", count: 200_000)
        )

        let error = await #expect(throws: LedgerFailure.self) { try await ledger.append([big]) }

        #expect(error?.code == .diskFull)
        #expect(ledger.failure == nil)
        #expect(log.events == [Fixture.delta(run, 0)])
        try ledger.executeOnWriterForTesting("PRAGMA max_page_count = 1073741823")
        try await ledger.append([big])
        #expect(try await ledger.allEvents(of: run) == [Fixture.delta(run, 0), big])
    }

    @Test func ioErrorPoisonsTheLedger() async throws {
        let directory = try TemporaryDirectory()
        let log = ObserverLog()
        let ledger = try Ledger(path: directory.file(), observer: log.observer)
        defer { ledger.close() }
        let run = Fixture.run(1)
        try await ledger.append([Fixture.delta(run, 0)])
        ledger.injectFaultForTesting(resultCode: 10 | (4 << 8))  // SQLITE_IOERR_FSYNC

        let first = await #expect(throws: LedgerFailure.self) { try await ledger.append([Fixture.delta(run, 1)]) }
        ledger.enqueue([Fixture.delta(run, 2)])
        let later = await #expect(throws: LedgerFailure.self) { try await ledger.append([Fixture.delta(run, 3)]) }
        let command = await #expect(throws: LedgerFailure.self) {
            try await ledger.recordCommand(Fixture.command("run/list"))
        }

        #expect(first?.code == .ioError)
        #expect(ledger.failure?.code == .ioError)
        #expect(later?.code == .ioError)
        #expect(later?.message.contains("restart agentd") == true)
        #expect(command?.code == .ioError)
        #expect(log.events == [Fixture.delta(run, 0)])
        // Reads keep working for diagnosis.
        #expect(try await ledger.allEvents(of: run) == [Fixture.delta(run, 0)])
    }

    @Test func sqliteErrorsMapToFailureCodes() {
        let cases: [(Int32, LedgerFailure.Code)] = [
            (13, .diskFull), (10, .ioError), (10 | (4 << 8), .ioError), (8, .notWritable), (14, .ioError),
            (11, .ioError), (19, .rejected), (19 | (6 << 8), .rejected), (5, .unavailable),
        ]
        for (code, expected) in cases {
            let failure = LedgerFailure.from(sqliteError(code), path: "/x")
            #expect(failure.code == expected, "SQLite code \(code)")
        }
    }
}
