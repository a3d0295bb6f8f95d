import TestSupport
import AgentModel
import Foundation
import Testing

@testable import AgentLedger

/// Idempotency records (`v4-control-requests`): stored, looked up, refused twice, committed with events, pruned.
@Suite struct LedgerControlRequestTests {
    /// A record made at `createdAt` (the test's clock: records carry the time they are given).
    static func record(
        uid: UInt32 = 1000, _ requestID: String, hash: String = "h1", result: String = #"{"ok":true}"#,
        createdAt: Int64 = Fixture.t0
    ) -> ControlRequestRecord {
        ControlRequestRecord(
            uid: uid, requestID: requestID, method: "run/start", paramsHash: hash, result: result,
            createdAtMillis: createdAt)
    }

    @Test func aRecordIsFoundByUIDAndKeyAndSurvivesReopening() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.file())
        let alice = Self.record(uid: 1000, "k1")
        try await ledger.recordControlRequest(alice)
        let found = try await ledger.controlRequest(uid: 1000, requestID: "k1")
        let otherUser = try await ledger.controlRequest(uid: 1001, requestID: "k1")
        let otherKey = try await ledger.controlRequest(uid: 1000, requestID: "k2")
        ledger.close()

        let reopened = try Ledger(path: directory.file())
        defer { reopened.close() }
        let afterReopen = try await reopened.controlRequest(uid: 1000, requestID: "k1")
        #expect(found == alice)
        #expect(otherUser == nil)
        #expect(otherKey == nil)
        #expect(afterReopen == alice)
    }

    @Test func aSecondRecordForTheSameKeyIsRejectedAndTheFirstKept() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.file())
        defer { ledger.close() }
        let first = Self.record("k1", hash: "h1")
        try await ledger.recordControlRequest(first)
        let refusal = await #expect(throws: LedgerFailure.self) {
            try await ledger.recordControlRequest(Self.record("k1", hash: "h2"))
        }
        // Another uid may use the same key.
        try await ledger.recordControlRequest(Self.record(uid: 1001, "k1", hash: "h3"))
        let kept = try await ledger.controlRequest(uid: 1000, requestID: "k1")
        #expect(refusal?.code == .rejected)
        #expect(kept == first)
    }

    @Test func eventsAndTheirRecordCommitTogetherOrNotAtAll() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.file())
        defer { ledger.close() }
        let run1 = Fixture.run(1)
        let run2 = Fixture.run(2)
        try await ledger.append(
            [try Fixture.started(run1, 0, prompt: "one")], recording: Self.record("k1"))
        // The same key again: the record is refused, so the run it came with is not committed either.
        let refusal = await #expect(throws: LedgerFailure.self) {
            try await ledger.append(
                [try Fixture.started(run2, 0, prompt: "two")], recording: Self.record("k1"))
        }
        // A refused event (duplicate seq) takes its record down with it.
        let duplicate = await #expect(throws: LedgerFailure.self) {
            try await ledger.append(
                [try Fixture.started(run1, 0, prompt: "again")], recording: Self.record("k2"))
        }
        let run1Events = try await ledger.allEvents(of: run1)
        let run2Events = try await ledger.allEvents(of: run2)
        let k2 = try await ledger.controlRequest(uid: 1000, requestID: "k2")
        #expect(refusal?.code == .rejected)
        #expect(duplicate?.code == .rejected)
        #expect(run1Events == [try Fixture.started(run1, 0, prompt: "one")])
        #expect(run2Events.isEmpty)
        #expect(k2 == nil)
    }

    @Test func pruningDeletesOnlyRecordsOlderThanTheCutoff() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.file())
        defer { ledger.close() }
        let day: Int64 = 24 * 3600 * 1000
        let old = Self.record("old", createdAt: Fixture.t0)
        let recent = Self.record("recent", createdAt: Fixture.t0 + day)
        try await ledger.recordControlRequest(old)
        try await ledger.recordControlRequest(recent)
        try await ledger.append(Fixture.deltas(Fixture.run(1), 0..<3))
        // The clock says t0 + 1 day + 1 ms: `old` is a day and a millisecond old, `recent` one millisecond.
        let pruned = try await ledger.pruneControlRequests(createdBefore: Fixture.t0 + day + 1 - day)
        let oldAfter = try await ledger.controlRequest(uid: 1000, requestID: "old")
        let recentAfter = try await ledger.controlRequest(uid: 1000, requestID: "recent")
        let prunedAgain = try await ledger.pruneControlRequests(createdBefore: Fixture.t0 + 1)
        let events = try await ledger.allEvents(of: Fixture.run(1))
        #expect(pruned == 1)
        #expect(oldAfter == nil)
        #expect(recentAfter == recent)
        #expect(prunedAgain == 0)
        #expect(events == Fixture.deltas(Fixture.run(1), 0..<3))
    }

    @Test func recordsAreNeverChangedAndEventsStayAppendOnly() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file()
        let ledger = try Ledger(path: path)
        try await ledger.append(
            [try Fixture.started(Fixture.run(1), 0, prompt: "p")], recording: Self.record("k1"))
        ledger.close()
        let refusals = [
            "UPDATE control_requests SET result = '{}'",
            "DELETE FROM events",
            "UPDATE events SET payload = '{}'",
            "INSERT INTO control_requests VALUES (1, '', 'm', 'h', '{}', 0)",
        ].map { Ledger.executeRawForTesting(path: path, sql: $0) }
        #expect(refusals[0] == "idempotency records are never changed")
        #expect(refusals[1] == "events are append-only")
        #expect(refusals[2] == "events are append-only")
        #expect(refusals[3]?.contains("CHECK constraint failed") == true)
    }
}
