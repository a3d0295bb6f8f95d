import TestSupport
import AgentModel
import Foundation
import Testing

@testable import AgentLedger

/// The `blobs` table (`v3-tool-output-blobs`): a tool's full output stored by hash in the transaction of the
/// `tool.finished` event that references it.
@Suite struct LedgerBlobTests {
    /// A `tool.finished` event of `run` whose stdout (`size` bytes) was cut for the model and goes to a blob.
    static func finished(_ run: RunID, _ seq: Int64, stdout: [UInt8]) throws -> LedgerEvent {
        var payload = ToolFinished(
            callID: "call_\(seq)", exitCode: 0, durationMillis: 1, output: "{\"stdout\":\"head…tail\"}",
            timedOut: false, truncatedBytes: stdout.count - 8)
        var outcome = ToolOutcome(exitCode: 0, output: payload.output, durationMillis: 1, timedOut: false, truncatedBytes: 0)
        outcome.fullStdout = stdout
        let blobs = payload.attachFullOutput(of: outcome)
        var event = LedgerEvent(
            runID: run, seq: seq, timestampMillis: Fixture.t0, kind: .tool, type: ToolEventType.finished,
            payload: try JSONCoding.encode(payload))
        event.blobs = blobs
        return event
    }

    static func bytes(_ count: Int, seed: UInt8) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
    }

    @Test func fullOutputRoundTripsByItsHash() async throws {
        let directory = try TemporaryDirectory()
        let log = ObserverLog()
        let ledger = try Ledger(path: directory.file(), observer: log.observer)
        defer { ledger.close() }
        let run = Fixture.run(1)
        let stdout = Self.bytes(3 << 20, seed: 7)
        let event = try Self.finished(run, 0, stdout: stdout)

        try await ledger.append([event])
        let stored = try #require(try await ledger.allEvents(of: run).first)
        let payload = try JSONCoding.decode(ToolFinished.self, from: stored.payload)
        let hash = try #require(payload.stdoutSHA256)
        let fetched = try await ledger.blob(sha256: hash)
        let missing = try await ledger.blob(sha256: String(repeating: "0", count: 64))
        let observedBlobs = log.events.map(\.blobs.count)

        #expect(stored == event)
        #expect(stored.blobs.isEmpty)
        #expect(payload.stdoutBytes == stdout.count)
        #expect(payload.stderrSHA256 == nil)
        #expect(fetched == stdout)
        #expect(missing == nil)
        // Observers see the event as readers do: the bytes are not kept in memory with it.
        #expect(observedBlobs == [0])
    }

    @Test func sha256MatchesKnownDigests() {
        let empty = ContentHash.sha256Hex([])
        let abc = ContentHash.sha256Hex(Array("abc".utf8))
        // 56 bytes: the padding needs a second block.
        let twoBlocks = ContentHash.sha256Hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
        let million = ContentHash.sha256Hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
        #expect(empty == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(abc == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(twoBlocks == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(million == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func identicalOutputsAreStoredOnce() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.file())
        defer { ledger.close() }
        let stdout = Self.bytes(200_000, seed: 3)
        let (a, b) = (Fixture.run(1), Fixture.run(2))

        try await ledger.append([try Self.finished(a, 0, stdout: stdout)])
        // Twice in one transaction, then once more later.
        try await ledger.append([try Self.finished(b, 0, stdout: stdout), try Self.finished(b, 1, stdout: stdout)])
        try await ledger.append([try Self.finished(a, 1, stdout: Self.bytes(100_000, seed: 9))])
        let totals = try ledger.blobTotals()
        let events = try ledger.eventCount()

        #expect(events == 4)
        #expect(totals.count == 2)
        #expect(totals.bytes == 300_000)
    }

    @Test func blobsRefuseUpdateAndDelete() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file()
        let ledger = try Ledger(path: path)
        let event = try Self.finished(Fixture.run(1), 0, stdout: Self.bytes(50_000, seed: 1))
        try await ledger.append([event])
        ledger.close()
        let hash = try #require(event.blobs.first?.sha256)

        let update = Ledger.executeRawForTesting(path: path, sql: "UPDATE blobs SET bytes = x'00', size = 1")
        let delete = Ledger.executeRawForTesting(path: path, sql: "DELETE FROM blobs")
        let badKey = Ledger.executeRawForTesting(path: path, sql: "INSERT INTO blobs VALUES ('abc', 1, x'00')")
        let badSize = Ledger.executeRawForTesting(
            path: path, sql: "INSERT INTO blobs VALUES ('\(String(repeating: "a", count: 64))', 2, x'00')")
        let reopened = try Ledger(path: path)
        let fetched = try await reopened.blob(sha256: hash)
        reopened.close()

        #expect(update == "blobs are append-only")
        #expect(delete == "blobs are append-only")
        #expect(badKey?.contains("CHECK constraint failed") == true)
        #expect(badSize?.contains("CHECK constraint failed") == true)
        #expect(fetched == event.blobs.first?.bytes)
    }

    @Test func aFailedTransactionLeavesNeitherTheEventNorItsBlob() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.file())
        defer { ledger.close() }
        let run = Fixture.run(1)
        try await ledger.append([Fixture.delta(run, 0)])
        // The event is refused (its seq is taken) after its blob was inserted: the rollback takes both.
        let refused = try Self.finished(run, 0, stdout: Self.bytes(80_000, seed: 5))
        let duplicate = await #expect(throws: LedgerFailure.self) { try await ledger.append([refused]) }
        // A file that cannot grow (as on a full disk): the blob's pages are refused, nothing of the batch stays.
        let pages = try #require(try ledger.writerPragmaForTesting("page_count"))
        try ledger.executeOnWriterForTesting("PRAGMA max_page_count = \(pages)")
        let failed = try Self.finished(run, 1, stdout: Self.bytes(90_000, seed: 6))
        let full = await #expect(throws: LedgerFailure.self) { try await ledger.append([Fixture.delta(run, 1), failed]) }
        try ledger.executeOnWriterForTesting("PRAGMA max_page_count = 1073741823")
        let totals = try ledger.blobTotals()
        let events = try await ledger.allEvents(of: run)

        #expect(duplicate?.code == .rejected)
        #expect(full?.code == .diskFull)
        #expect(totals.count == 0)
        #expect(events == [Fixture.delta(run, 0)])
        #expect(ledger.failure == nil)
    }

    @Test func toolFinishedWithoutReferencesFromAnOlderLedgerStillReads() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file()
        let run = Fixture.run(1)
        // As agentd wrote it before v3: the whole excerpt inline, no reference fields.
        let old = LedgerEvent(
            runID: run, seq: 0, timestampMillis: Fixture.t0, kind: .tool, type: ToolEventType.finished,
            payload: #"{"call_id":"call_1","duration_ms":2,"exit_code":0,"output":"hi\n","timed_out":false,"truncated_bytes":0}"#
        )
        try Ledger.createVersion1LedgerForTesting(path: path, events: [old])

        let ledger = try Ledger(path: path)
        defer { ledger.close() }
        let events = try await ledger.allEvents(of: run)
        let payload = try JSONCoding.decode(ToolFinished.self, from: try #require(events.first).payload)
        let expected = ToolFinished(
            callID: "call_1", exitCode: 0, durationMillis: 2, output: "hi\n", timedOut: false, truncatedBytes: 0)
        let migrations = LedgerSchema.migrationIdentifiers

        #expect(events == [old])
        #expect(payload == expected)
        #expect(migrations.prefix(4) == ["v1-events", "v1-commands", "v2-events-kind-check", "v3-tool-output-blobs"])
        #expect(try ledger.blobTotals().count == 0)
    }
}
