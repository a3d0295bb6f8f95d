import TestSupport
import AgentModel
import Foundation
import Testing

@testable import AgentLedger

@Suite struct LedgerAppendTests {
    @Test func appendedEventsReadBackUnchanged() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.file())
        defer { ledger.close() }
        let run = Fixture.run(1)
        let events = try [Fixture.started(run, 0, prompt: "héllo \"world\"\n")] + Fixture.deltas(run, 1..<20)

        try await ledger.append(events)

        #expect(try await ledger.allEvents(of: run) == events)
        #expect(try await ledger.events(of: run, fromSeq: 5, limit: 3) == Array(events[5..<8]))
        #expect(try await ledger.lastSeq(of: run) == 19)
        #expect(try await ledger.lastSeq(of: Fixture.run(2)) == nil)
        #expect(try ledger.eventCount() == 20)
        #expect(try ledger.integrityCheck() == "ok")
    }

    @Test func appendReturnsAfterEarlierEnqueuedEventsCommitted() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.file())
        defer { ledger.close() }
        let run = Fixture.run(1)
        let events = Fixture.deltas(run, 0..<100)

        for event in events.dropLast() { ledger.enqueue([event]) }
        try await ledger.append([events[99]])

        #expect(try await ledger.allEvents(of: run) == events)
        #expect(ledger.queuedEventCount == 0)
    }

    @Test func concurrentWritersKeepPerRunOrderAndObserverSeesEachCommittedEventOnce() async throws {
        let directory = try TemporaryDirectory()
        let log = ObserverLog(verifyVisibility: true)
        let ledger = try Ledger(path: directory.file(), observer: log.observer)
        log.attach(ledger)
        defer { ledger.close() }
        let runs = (0..<8).map { Fixture.run($0) }

        try await withThrowingTaskGroup(of: Void.self) { group in
            for run in runs {
                group.addTask {
                    for seq in Int64(0)..<500 {
                        let event = Fixture.delta(run, seq, "\(run)-\(seq)")
                        if seq % 50 == 49 {
                            try await ledger.append([event])
                        } else {
                            ledger.enqueue([event])
                        }
                    }
                }
            }
            try await group.waitForAll()
        }

        for run in runs {
            let expected = (Int64(0)..<500).map { Fixture.delta(run, $0, "\(run)-\($0)") }
            #expect(try await ledger.allEvents(of: run) == expected)
            #expect(log.events.filter { $0.runID == run } == expected)
        }
        #expect(log.events.count == 4000)
        #expect(Set(log.events).count == 4000)
        #expect(log.notYetVisible == [])
    }

    @Test func reopeningKeepsEverything() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file()
        let run = Fixture.run(7)
        let events = try [Fixture.started(run, 0, prompt: "p")] + Fixture.deltas(run, 1..<50)
        do {
            let ledger = try Ledger(path: path)
            try await ledger.append(events)
            try await ledger.recordCommand(Fixture.command("run/start"))
            ledger.close()
        }

        let reopened = try Ledger(path: path, sync: .normal)
        defer { reopened.close() }

        #expect(try await reopened.allEvents(of: run) == events)
        #expect(try reopened.eventCount() == 50)
        #expect(Ledger.executeRawForTesting(path: path, sql: "SELECT 1") == nil)
        try await reopened.append([Fixture.delta(run, 50)])
        #expect(try await reopened.lastSeq(of: run) == 50)
    }

    @Test func commandsAreRecorded() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.file())
        defer { ledger.close() }

        try await ledger.recordCommand(Fixture.command("run/start"))
        try await ledger.recordCommand(
            CommandRecord(
                timestampMillis: 5, method: "run/list", params: "{}", clientName: nil, peerUID: nil, peerPID: nil)
        )

        #expect(try ledger.commandsForTesting() == ["run/start|agentctl|1000|42", "run/list|||"])
    }

    @Test func writesAfterCloseAreRefused() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.file())
        try await ledger.append([Fixture.delta(Fixture.run(1), 0)])
        ledger.close()
        ledger.close()

        let error = await #expect(throws: LedgerFailure.self) {
            try await ledger.append([Fixture.delta(Fixture.run(1), 1)])
        }
        #expect(error?.code == .unavailable)
        await #expect(throws: LedgerFailure.self) { try await ledger.allEvents(of: Fixture.run(1)) }
    }

    @Test func writerUsesWALAndTheRequestedSyncLevel() async throws {
        let directory = try TemporaryDirectory()
        let full = try Ledger(path: directory.file("full.sqlite"))
        defer { full.close() }
        let normal = try Ledger(path: directory.file("normal.sqlite"), sync: .normal)
        defer { normal.close() }

        #expect(try full.writerPragmaForTesting("journal_mode") == "wal")
        #expect(try full.writerPragmaForTesting("synchronous") == "2")
        #expect(try normal.writerPragmaForTesting("synchronous") == "1")
        #expect(try full.writerPragmaForTesting("busy_timeout") == "5000")
    }
}
