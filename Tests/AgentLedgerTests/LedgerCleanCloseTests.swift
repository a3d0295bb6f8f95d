import TestSupport
import AgentModel
import Foundation
import Testing

@testable import AgentLedger

/// The "verified clean" marker: a clean close lets the next open skip `quick_check`; anything that changed the
/// file since (or a missing marker) makes the open run the full check again.
@Suite struct LedgerCleanCloseTests {
    /// A closed ledger of several hundred pages (so a damaged page in the middle holds rows).
    private func closedLedger(in directory: TemporaryDirectory) async throws -> String {
        let path = directory.file()
        let ledger = try Ledger(path: path)
        let opened = ledger.openCheck
        #expect(opened == .newFile)
        for run in (0..<20).map({ Fixture.run($0) }) {
            try await ledger.append((Int64(0)..<100).map { Fixture.delta(run, $0, String(repeating: "z", count: 300)) })
        }
        ledger.close()
        return path
    }

    private func markerExists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: CleanShutdownMarker(ledgerPath: path).path)
    }

    private func setModificationDate(_ path: String, secondsEarlier: TimeInterval) throws {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let modified = try #require(attributes[.modificationDate] as? Date)
        try FileManager.default.setAttributes(
            [.modificationDate: modified.addingTimeInterval(-secondsEarlier)], ofItemAtPath: path)
    }

    @Test func cleanCloseThenOpenSkipsTheCheckAndRemovesTheMarker() async throws {
        let directory = try TemporaryDirectory()
        let path = try await closedLedger(in: directory)
        let markedAfterClose = markerExists(path)
        #expect(markedAfterClose)

        let reopened = try Ledger(path: path)
        let check = reopened.openCheck
        let markedWhileOpen = markerExists(path)
        let events = try await reopened.allEvents(of: Fixture.run(3))
        reopened.close()

        #expect(check == .skippedAfterCleanClose)
        #expect(!markedWhileOpen)
        #expect(events.count == 100)
        let markedAgain = markerExists(path)
        #expect(markedAgain)
    }

    @Test func openWithoutMarkerRunsTheCheck() async throws {
        let directory = try TemporaryDirectory()
        let path = try await closedLedger(in: directory)
        try FileManager.default.removeItem(atPath: CleanShutdownMarker(ledgerPath: path).path)

        let reopened = try Ledger(path: path)
        let check = reopened.openCheck
        reopened.close()

        #expect(check == .quickCheckNoMarker)
    }

    @Test func appendedByteForcesTheCheck() async throws {
        let directory = try TemporaryDirectory()
        let path = try await closedLedger(in: directory)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data([0]))
        try handle.close()

        let reopened = try Ledger(path: path)
        let check = reopened.openCheck
        let marked = markerExists(path)
        reopened.close()

        #expect(check == .quickCheckMarkerMismatch)
        #expect(!marked)
    }

    @Test func touchedModificationTimeForcesTheCheck() async throws {
        let directory = try TemporaryDirectory()
        let path = try await closedLedger(in: directory)
        try setModificationDate(path, secondsEarlier: 10)

        let reopened = try Ledger(path: path)
        let check = reopened.openCheck
        reopened.close()

        #expect(check == .quickCheckMarkerMismatch)
    }

    @Test func nonEmptyWALForcesTheCheck() async throws {
        let directory = try TemporaryDirectory()
        let path = try await closedLedger(in: directory)
        // A WAL whose header is not valid: SQLite ignores it, but the file is no longer the one that was checked.
        try Data(repeating: 0, count: 32).write(to: URL(fileURLWithPath: path + "-wal"))

        let reopened = try Ledger(path: path)
        let check = reopened.openCheck
        let events = try await reopened.allEvents(of: Fixture.run(0))
        reopened.close()

        #expect(check == .quickCheckMarkerMismatch)
        #expect(events.count == 100)
    }

    @Test func copiedFileDoesNotInheritTheMarker() async throws {
        let directory = try TemporaryDirectory()
        let path = try await closedLedger(in: directory)
        let copy = directory.file("copy.sqlite")
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        try FileManager.default.copyItem(
            atPath: CleanShutdownMarker(ledgerPath: path).path, toPath: CleanShutdownMarker(ledgerPath: copy).path)

        let reopened = try Ledger(path: copy)
        let check = reopened.openCheck
        reopened.close()

        #expect(check == .quickCheckMarkerMismatch)
    }

    @Test func damagedPageAfterCleanCloseIsStillDetected() async throws {
        let directory = try TemporaryDirectory()
        let path = try await closedLedger(in: directory)
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let size = handle.seekToEndOfFile()
        let pageSize: UInt64 = 4096
        let middle = (size / pageSize / 2) * pageSize
        #expect(middle > pageSize)
        handle.seek(toFileOffset: middle)
        handle.write(Data(repeating: 0xA5, count: Int(pageSize)))
        try handle.close()
        // The same inode and size; the time is moved explicitly so the test does not depend on the clock's tick.
        try setModificationDate(path, secondsEarlier: 10)
        let damaged = try Data(contentsOf: URL(fileURLWithPath: path))

        let error = #expect(throws: LedgerOpenError.self) { try Ledger(path: path) }

        #expect(error?.code == .corrupted)
        #expect(error?.description.contains(path) == true)
        let untouched = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(untouched == damaged)
        let marked = markerExists(path)
        #expect(!marked)
    }

    /// A clean close costs what the session wrote, not what the ledger holds: it reads no page the session did not
    /// write. (It ran `quick_check` over the whole file: a SIGTERM of agentd on a multi-GB ledger outlasted
    /// systemd's `TimeoutStopSec`.) So a page damaged behind SQLite's back during the session goes unseen by the
    /// close, exactly as it goes unseen by a restart after a process crash (docs/ledger.md, *Opening*).
    @Test func cleanCloseReadsNoPageTheSessionDidNotWrite() async throws {
        let directory = try TemporaryDirectory()
        let path = try await closedLedger(in: directory)
        let ledger = try Ledger(path: path)
        // A run that sorts after every other: its rows go to the right-most table and index pages.
        try await ledger.append([Fixture.delta(Fixture.run(999), 0, "after reopening")])
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let size = handle.seekToEndOfFile()
        let pageSize: UInt64 = 4096
        let middle = (size / pageSize / 2) * pageSize
        #expect(middle > pageSize)
        handle.seek(toFileOffset: middle)
        handle.write(Data(repeating: 0xA5, count: Int(pageSize)))
        try handle.close()

        ledger.close()

        let marked = markerExists(path)
        #expect(marked, "the close read an old page (a whole-file check) and refused the clean-close marker")
    }

    @Test func markerTextBindsEveryField() throws {
        let identity = LedgerFileIdentity(
            device: 1, inode: 2, size: 3, modifiedNanoseconds: 4, changedNanoseconds: 5, walBytes: 0)
        var other = identity
        other.modifiedNanoseconds += 1
        let differs = identity.markerText != other.markerText
        #expect(differs)
        let text = identity.markerText
        #expect(text.contains("mtime_ns 4") && text.contains("ino 2") && text.contains("wal_bytes 0"))
    }
}
