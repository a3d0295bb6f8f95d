import TestSupport
import AgentModel
import Foundation
import Testing

@testable import AgentLedger

@Suite struct LedgerSchemaTests {
    @Test func triggersRefuseUpdateAndDelete() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file()
        let run = Fixture.run(1)
        let ledger = try Ledger(path: path)
        try await ledger.append(Fixture.deltas(run, 0..<3))
        try await ledger.recordCommand(Fixture.command("run/start"))
        ledger.close()

        let refusals = [
            "UPDATE events SET payload = 'x' WHERE seq = 1",
            "DELETE FROM events WHERE seq = 2",
            "DELETE FROM events",
            "UPDATE commands SET method = 'x'",
            "DELETE FROM commands",
        ].map { Ledger.executeRawForTesting(path: path, sql: $0) }

        #expect(
            refusals == [
                "events are append-only", "events are append-only", "events are append-only",
                "commands are append-only", "commands are append-only",
            ]
        )
        let reopened = try Ledger(path: path)
        defer { reopened.close() }
        #expect(try await reopened.allEvents(of: run) == Fixture.deltas(run, 0..<3))
        #expect(try reopened.commandsForTesting() == ["run/start|agentctl|1000|42"])
    }

    @Test func constraintsRefuseBadRows() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file()
        try Ledger(path: path).close()

        let bad = [
            "INSERT INTO events VALUES ('run_1', -1, 0, 'run', 't', '{}')",
            "INSERT INTO events VALUES ('run_1', 0, 0, 'bogus', 't', '{}')",
            "INSERT INTO events VALUES ('run_1', 0, 0, 'run', 't', NULL)",
        ].map { Ledger.executeRawForTesting(path: path, sql: $0) }

        #expect(bad.allSatisfy { $0 != nil })
    }

    @Test func ledgerMigratedByNewerVersionIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file()
        try Ledger(path: path).close()
        #expect(Ledger.executeRawForTesting(path: path, sql: "INSERT INTO grdb_migrations VALUES ('v9-future')") == nil)

        let error = #expect(throws: LedgerOpenError.self) { try Ledger(path: path) }

        #expect(error?.code == .newerSchema)
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("v9-future") == true)
        #expect(error?.description.contains("newer agentd") == true)
    }

    @Test func corruptedFileIsRefusedAndLeftUntouched() async throws {
        let directory = try TemporaryDirectory()
        let original = directory.file("original.sqlite")
        let ledger = try Ledger(path: original)
        for run in (0..<20).map({ Fixture.run($0) }) {
            try await ledger.append((Int64(0)..<100).map { Fixture.delta(run, $0, String(repeating: "z", count: 300)) })
        }
        ledger.close()
        let damaged = directory.file("damaged.sqlite")
        try FileManager.default.copyItem(atPath: original, toPath: damaged)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: damaged))
        let pageSize = 4096
        let middle = (bytes.count / pageSize / 2) * pageSize
        #expect(middle > pageSize)
        bytes.replaceSubrange(middle..<(middle + pageSize), with: Data(repeating: 0xA5, count: pageSize))
        try bytes.write(to: URL(fileURLWithPath: damaged))

        let error = #expect(throws: LedgerOpenError.self) { try Ledger(path: damaged) }

        #expect(error?.code == .corrupted)
        #expect(error?.description.contains(damaged) == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: damaged)) == bytes)
    }

    @Test func fileThatIsNotADatabaseIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file()
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try garbage.write(to: URL(fileURLWithPath: path))

        let error = #expect(throws: LedgerOpenError.self) { try Ledger(path: path) }

        #expect(error?.code == .corrupted)
        #expect(error?.description.contains(path) == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
    }

    @Test func missingDirectoryIsRefusedWithAClearError() {
        let error = #expect(throws: LedgerOpenError.self) {
            try Ledger(path: "/nonexistent-agentd-dir/\(UUID().uuidString)/ledger.sqlite")
        }
        #expect(error?.code == .cannotOpen)
        #expect(error?.message.contains("does not exist") == true)
    }

    @Test func lifecycleQueriesUseThePartialIndex() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.file())
        defer { ledger.close() }

        let plans = try ledger.lifecycleQueryPlansForTesting()

        for plan in plans {
            let steps = plan.filter { $0.hasPrefix("SCAN") || $0.hasPrefix("SEARCH") }
            #expect(!steps.isEmpty)
            for step in steps where !step.contains("SUBQUERY") && !step.hasPrefix("SCAN r") {
                #expect(step.contains("events_lifecycle"), "\(plan)")
            }
        }
    }
}
