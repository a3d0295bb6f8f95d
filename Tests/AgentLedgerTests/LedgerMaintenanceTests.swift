import TestSupport
import AgentModel
import Foundation
import Testing

@testable import AgentLedger

/// Schema upgrades of existing files and WAL checkpoints off the commit path.
@Suite struct LedgerMaintenanceTests {
    @Test func version1LedgerIsMigratedWithItsEventsAndConstraints() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file()
        let run = Fixture.run(1)
        let old = Fixture.deltas(run, 0..<5)
        try Ledger.createVersion1LedgerForTesting(path: path, events: old)

        let ledger = try Ledger(path: path)
        try await ledger.append([Fixture.delta(run, 5)])
        let events = try await ledger.allEvents(of: run)
        let tableSQL = try ledger.eventsTableSQLForTesting()
        let plans = try ledger.lifecycleQueryPlansForTesting()
        ledger.close()

        #expect(events == Fixture.deltas(run, 0..<6))
        #expect(tableSQL.contains("kind = 'control'"))
        #expect(!tableSQL.contains(" IN ("))
        #expect(plans.allSatisfy { plan in plan.contains { $0.contains("events_lifecycle") } })
        let refusals = [
            "UPDATE events SET payload = 'x' WHERE seq = 1",
            "DELETE FROM events",
            "INSERT INTO events VALUES ('run_1', 0, 0, 'bogus', 't', '{}')",
            "INSERT INTO events VALUES ('run_1', -1, 0, 'run', 't', '{}')",
        ].map { Ledger.executeRawForTesting(path: path, sql: $0) }
        #expect(refusals[0] == "events are append-only")
        #expect(refusals[1] == "events are append-only")
        #expect(refusals[2]?.contains("CHECK constraint failed") == true)
        #expect(refusals[3]?.contains("CHECK constraint failed") == true)
    }

    @Test func walIsFilledAheadOfItsFramesSoCommitsOverwriteInsteadOfGrowingTheFile() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file()
        let ledger = try Ledger(path: path)
        let run = Fixture.run(1)
        try await ledger.append(Fixture.deltas(run, 0..<3))
        // The writer queue is serial: once this second commit returned, the first one's extension is done.
        try await ledger.append(Fixture.deltas(run, 3..<6))
        let walSize = try fileSize(path + "-wal")
        let events = try await ledger.allEvents(of: run)
        let check = try ledger.integrityCheck()
        ledger.close()

        // A few frames were committed; the file holds a chunk of zeros past them (the disk has > 1 GiB free).
        #expect(Int64(walSize) >= WALPreallocation.walBytes(frames: WALPreallocation.chunkFrames, pageSize: 4096))
        #expect(events == Fixture.deltas(run, 0..<6))
        #expect(check == "ok")
        let reopened = try Ledger(path: path)
        #expect(try await reopened.allEvents(of: run) == Fixture.deltas(run, 0..<6))
        reopened.close()
    }

    @Test func backgroundCheckpointMovesTheWALWithoutTheWriter() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file()
        let ledger = try Ledger(
            path: path, sync: .full, observer: nil, checkpointThreshold: 16, checkpointHardLimit: 1_000_000)
        defer { ledger.close() }
        let run = Fixture.run(1)
        let sizeBefore = try fileSize(path)

        for start in stride(from: Int64(0), to: 2000, by: 200) {
            try await ledger.append(Fixture.deltas(run, start..<(start + 200)))
        }
        let checkpoints = ledger.checkpointsForTesting()
        let sizeAfter = try fileSize(path)

        #expect(checkpoints.background >= 1)
        #expect(checkpoints.inline == 0)
        #expect(sizeAfter > sizeBefore)
        #expect(try await ledger.allEvents(of: run) == Fixture.deltas(run, 0..<2000))
        #expect(try ledger.integrityCheck() == "ok")
    }

    @Test func writerCheckpointsInlineWhenTheWALOutgrowsItsLimit() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file()
        let ledger = try Ledger(
            path: path, sync: .full, observer: nil, checkpointThreshold: 1_000_000, checkpointHardLimit: 16)
        defer { ledger.close() }
        let run = Fixture.run(1)

        for start in stride(from: Int64(0), to: 2000, by: 200) {
            try await ledger.append(Fixture.deltas(run, start..<(start + 200)))
        }
        let checkpoints = ledger.checkpointsForTesting()
        let walSize = try fileSize(path + "-wal")
        let mainSize = try fileSize(path)

        #expect(checkpoints.background == 0)
        #expect(checkpoints.inline >= 1)
        // The WAL restarts from its beginning after each inline checkpoint, so it never holds all 2,000 events.
        #expect(walSize < mainSize)
        #expect(try await ledger.allEvents(of: run) == Fixture.deltas(run, 0..<2000))
    }

    private func fileSize(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    }
}
