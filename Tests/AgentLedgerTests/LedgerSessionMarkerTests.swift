import TestSupport
import AgentModel
import Foundation
import Testing

@testable import AgentLedger

/// The process-session marker: an open after a process crash in the same boot skips `quick_check`; another
/// boot, another file, an I/O error seen by the ledger, or no marker directory make the open run the full check.
@Suite struct LedgerSessionMarkerTests {
    private static let boot = "11111111-2222-3333-4444-555555555555"

    /// A ledger on `path` keeping its session marker in `markers`, in the boot `boot`.
    private func open(_ path: String, markers: String?, boot: String? = Self.boot) throws -> Ledger {
        try Ledger(
            path: path, sync: .full, observer: nil, checkpointThreshold: WALCheckpointer.defaultThreshold,
            checkpointHardLimit: WALCheckpointer.defaultHardLimit, sessionMarkerDirectory: markers, bootID: boot)
    }

    /// A ledger of several hundred pages that "crashed": still open (its writes are in the kernel, as after a
    /// SIGKILL), never closed, so no clean-close marker. The caller closes it at the very end.
    private func crashedLedger(_ path: String, markers: String?, boot: String? = Self.boot) async throws -> Ledger {
        let ledger = try open(path, markers: markers, boot: boot)
        for run in (0..<20).map({ Fixture.run($0) }) {
            try await ledger.append((Int64(0)..<100).map { Fixture.delta(run, $0, String(repeating: "z", count: 300)) })
        }
        return ledger
    }

    /// A cleanly closed ledger left as a crash in `boot` would have left it: no clean-close marker, the session
    /// marker that boot's open wrote.
    private func ledgerLeftByCrash(_ path: String, markers: String, boot: String) async throws {
        let ledger = try await crashedLedger(path, markers: nil)
        ledger.close()
        try FileManager.default.removeItem(atPath: CleanShutdownMarker(ledgerPath: path).path)
        let written = LedgerSessionMarker(ledgerPath: path, directory: markers, bootID: boot).write()
        #expect(written)
    }

    private func marker(_ path: String, _ markers: String) -> LedgerSessionMarker {
        LedgerSessionMarker(ledgerPath: path, directory: markers, bootID: Self.boot)
    }

    @Test func crashInTheSameBootSkipsTheCheck() async throws {
        let directory = try TemporaryDirectory()
        let markers = try TemporaryDirectory()
        let path = directory.file()
        let crashed = try await crashedLedger(path, markers: markers.path)
        defer { crashed.close() }
        let text = try String(contentsOfFile: marker(path, markers.path).path, encoding: .utf8)
        let mode = try FileManager.default.attributesOfItem(atPath: marker(path, markers.path).path)[.posixPermissions]

        let reopened = try open(path, markers: markers.path)
        let check = reopened.openCheck
        let events = try await reopened.allEvents(of: Fixture.run(7))
        let markedWhileOpen = marker(path, markers.path).exists
        reopened.close()
        let markedAfterClose = marker(path, markers.path).exists

        #expect(text.contains("boot_id \(Self.boot)\n") && text.contains("path \(path)\n"))
        #expect(mode as? Int == 0o600)
        #expect(check == .skippedAfterProcessExit)
        #expect(events.count == 100)
        #expect(markedWhileOpen)
        #expect(!markedAfterClose)
    }

    @Test func markerOfAnotherBootRunsTheCheck() async throws {
        let directory = try TemporaryDirectory()
        let markers = try TemporaryDirectory()
        let path = directory.file()
        let crashed = try await crashedLedger(path, markers: markers.path, boot: "boot-before-the-power-loss")
        defer { crashed.close() }

        let reopened = try open(path, markers: markers.path)
        let check = reopened.openCheck
        reopened.close()

        #expect(check == .quickCheckNoMarker)
    }

    @Test func replacedFileRunsTheCheck() async throws {
        let directory = try TemporaryDirectory()
        let markers = try TemporaryDirectory()
        let path = directory.file()
        try await ledgerLeftByCrash(path, markers: markers.path, boot: Self.boot)
        // The same bytes under the same name, but another inode (a restored backup, a copy moved in place).
        try FileManager.default.copyItem(atPath: path, toPath: path + ".restored")
        #expect(rename(path + ".restored", path) == 0)

        let reopened = try open(path, markers: markers.path)
        let check = reopened.openCheck
        let events = try await reopened.allEvents(of: Fixture.run(2))
        reopened.close()

        #expect(check == .quickCheckMarkerMismatch)
        #expect(events.count == 100)
    }

    @Test func ioErrorRemovesTheMarkerSoTheRestartRunsTheCheck() async throws {
        let directory = try TemporaryDirectory()
        let markers = try TemporaryDirectory()
        let path = directory.file()
        let crashed = try await crashedLedger(path, markers: markers.path)
        defer { crashed.close() }
        let markedBefore = marker(path, markers.path).exists
        crashed.injectFaultForTesting(resultCode: 10 | (4 << 8))  // SQLITE_IOERR_FSYNC

        let failure = await #expect(throws: LedgerFailure.self) {
            try await crashed.append([Fixture.delta(Fixture.run(99), 0)])
        }
        // Checked before any close: the daemon exits on this error without closing.
        let markedAfterFailure = marker(path, markers.path).exists
        let reopened = try open(path, markers: markers.path)
        let check = reopened.openCheck
        reopened.close()

        #expect(markedBefore)
        #expect(failure?.code == .ioError)
        #expect(!markedAfterFailure)
        #expect(check == .quickCheckNoMarker)
    }

    @Test func callerReportedIOErrorRemovesTheMarker() async throws {
        let directory = try TemporaryDirectory()
        let markers = try TemporaryDirectory()
        let path = directory.file()
        let crashed = try await crashedLedger(path, markers: markers.path)
        defer { crashed.close() }

        crashed.requireFullCheckAtNextOpen()
        let reopened = try open(path, markers: markers.path)
        let check = reopened.openCheck
        reopened.close()

        #expect(check == .quickCheckNoMarker)
    }

    @Test func readErrorsOfADamagedFileRemoveTheMarkerOthersDoNot() async throws {
        let directory = try TemporaryDirectory()
        let markers = try TemporaryDirectory()
        let path = directory.file()
        let crashed = try await crashedLedger(path, markers: markers.path)
        defer { crashed.close() }

        crashed.requireFullCheckIfDamaged(CancellationError())
        crashed.requireFullCheckIfDamaged(sqliteError(19))  // SQLITE_CONSTRAINT
        crashed.requireFullCheckIfDamaged(sqliteError(5))  // SQLITE_BUSY
        let keptAfterHarmlessErrors = marker(path, markers.path).exists
        crashed.requireFullCheckIfDamaged(sqliteError(11))  // SQLITE_CORRUPT
        let keptAfterCorruption = marker(path, markers.path).exists

        #expect(keptAfterHarmlessErrors)
        #expect(!keptAfterCorruption)
    }

    @Test func withoutMarkerDirectoryEveryCrashRunsTheCheck() async throws {
        let directory = try TemporaryDirectory()
        let markers = try TemporaryDirectory()
        let path = directory.file()
        let crashed = try await crashedLedger(path, markers: markers.path)
        defer { crashed.close() }

        let reopened = try open(path, markers: nil)
        let check = reopened.openCheck
        reopened.close()
        let again = try open(path, markers: nil)
        let secondCheck = again.openCheck
        let left = try FileManager.default.contentsOfDirectory(atPath: markers.path)
        again.close()

        #expect(check == .quickCheckNoMarker)
        // A clean close still lets the next open skip.
        #expect(secondCheck == .skippedAfterCleanClose)
        // The marker of the first open is still there: only a ledger given the directory touches it.
        #expect(left.count == 1)
    }

    @Test func markerReachedThroughASymlinkIsNotTrusted() async throws {
        let directory = try TemporaryDirectory()
        let markers = try TemporaryDirectory()
        let path = directory.file()
        try await ledgerLeftByCrash(path, markers: markers.path, boot: Self.boot)
        let real = marker(path, markers.path).path
        try FileManager.default.moveItem(atPath: real, toPath: markers.path + "/elsewhere")
        try FileManager.default.createSymbolicLink(atPath: real, withDestinationPath: markers.path + "/elsewhere")

        let reopened = try open(path, markers: markers.path)
        let check = reopened.openCheck
        reopened.close()

        #expect(check == .quickCheckMarkerMismatch)
    }

    @Test func damagedFileWithAMarkerOfAnotherBootIsRefused() async throws {
        let directory = try TemporaryDirectory()
        let markers = try TemporaryDirectory()
        let path = directory.file()
        try await ledgerLeftByCrash(path, markers: markers.path, boot: "boot-before-the-os-crash")
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let size = handle.seekToEndOfFile()
        let pageSize: UInt64 = 4096
        let middle = (size / pageSize / 2) * pageSize
        #expect(middle > pageSize)
        handle.seek(toFileOffset: middle)
        handle.write(Data(repeating: 0xA5, count: Int(pageSize)))
        try handle.close()

        let error = #expect(throws: LedgerOpenError.self) { try open(path, markers: markers.path) }
        let markedAfter = marker(path, markers.path).exists

        #expect(error?.code == .corrupted)
        #expect(!markedAfter)
    }
}
