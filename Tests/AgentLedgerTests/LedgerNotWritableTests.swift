import AgentModel
import Foundation
import TestSupport
import Testing

@testable import AgentLedger

/// A ledger that may not be written (read-only file system, permission denied) fails the batch like a full disk:
/// nothing committed, the ledger not poisoned, writes go through again once it is writable. A failing disk (EIO,
/// a failed fsync) still poisons it.
@Suite struct LedgerNotWritableTests {
    @Test func sqliteCodesAndErrnosThatMeanNotWritable() {
        // (extended result code, errno) → code of the failure.
        let cases: [(Int32, Int32, LedgerFailure.Code)] = [
            (8, 0, .notWritable),  // SQLITE_READONLY
            (8 | (1 << 8), 0, .notWritable),  // SQLITE_READONLY_RECOVERY
            (8 | (2 << 8), 0, .notWritable),  // SQLITE_READONLY_CANTLOCK
            (8 | (5 << 8), 0, .notWritable),  // SQLITE_READONLY_CANTINIT
            (8 | (6 << 8), 0, .notWritable),  // SQLITE_READONLY_DIRECTORY
            (8 | (4 << 8), 0, .ioError),  // SQLITE_READONLY_DBMOVED: the file was moved or deleted
            (3, 0, .notWritable),  // SQLITE_PERM
            (10 | (3 << 8), EROFS, .notWritable),  // SQLITE_IOERR_WRITE
            (10 | (3 << 8), EACCES, .notWritable),
            (10 | (3 << 8), EPERM, .notWritable),
            (10 | (3 << 8), EIO, .ioError),
            (10 | (3 << 8), 0, .ioError),
            (10 | (4 << 8), EROFS, .ioError),  // SQLITE_IOERR_FSYNC: never retried, whatever the errno
            (10 | (5 << 8), EROFS, .ioError),  // SQLITE_IOERR_DIR_FSYNC
            (10 | (6 << 8), EROFS, .notWritable),  // SQLITE_IOERR_TRUNCATE
            (10 | (18 << 8), EACCES, .notWritable),  // SQLITE_IOERR_SHMOPEN
            (14, EACCES, .notWritable),  // SQLITE_CANTOPEN
            (14, EROFS, .notWritable),
            (14, ENOENT, .ioError),
            (13, EROFS, .diskFull),  // SQLITE_FULL stays a full disk
        ]
        for (code, errno, expected) in cases {
            let error = SQLiteSystemError(resultCode: code, message: "test", systemErrno: errno)
            let failure = LedgerFailure.from(error, path: "/state/ledger.sqlite")
            #expect(failure.code == expected, "SQLite code \(code), errno \(errno)")
        }
    }

    @Test func theMessageNamesTheCauseAndThePath() {
        let error = SQLiteSystemError(resultCode: 10 | (3 << 8), message: "disk I/O error", systemErrno: EROFS)
        let failure = LedgerFailure.from(error, path: "/state/ledger.sqlite")
        #expect(failure.message.contains("ledger /state/ledger.sqlite: read-only file system"), "\(failure.message)")
        #expect(failure.message.contains("errno \(EROFS)"), "\(failure.message)")
    }

    @Test func aReadOnlyRefusalFailsTheBatchWithoutPoisoning() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.file())
        defer { ledger.close() }
        let run = Fixture.run(1)
        try await ledger.append([Fixture.delta(run, 0)])
        ledger.injectFaultForTesting(resultCode: 8)  // SQLITE_READONLY

        let refused = await #expect(throws: LedgerFailure.self) { try await ledger.append([Fixture.delta(run, 1)]) }
        let failure = ledger.failure
        try await ledger.append([Fixture.delta(run, 1)])

        #expect(refused?.code == .notWritable)
        #expect(failure == nil)
        #expect(try await ledger.allEvents(of: run) == Fixture.deltas(run, 0..<2))
    }
}

/// The same with real system calls failing: the ledger's files are made immutable (`chattr +i`), so each write
/// to them fails with EPERM as to a file agentd may not write.
@Suite(.serialized, .enabled(if: ImmutableFiles.areSupported, "chattr +i is not supported here (needs root and ext4)"))
struct LedgerImmutableFileTests {
    @Test func writesRefusedWithEPERMFailWithoutPoisoningAndGoThroughOnceWritable() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file()
        let ledger = try Ledger(path: path)
        let run = Fixture.run(1)
        let committed = Fixture.deltas(run, 0..<20)
        try await ledger.append(committed)
        let big = (20..<24).map { Fixture.delta(run, Int64($0), String(repeating: "r", count: 16 << 10)) }

        let immutable = ImmutableFiles([path, path + "-wal"])
        try immutable.makeImmutable()
        let refused = await #expect(throws: LedgerFailure.self) { try await ledger.append(big) }
        let again = await #expect(throws: LedgerFailure.self) { try await ledger.append(big) }
        let readWhileRefused = try await ledger.allEvents(of: run)
        try immutable.makeWritable()
        try await ledger.append(big)
        let failure = ledger.failure
        let (afterReopen, integrity) = try await ledger.closeAndReopen(path, reading: run)

        #expect(refused?.code == .notWritable)
        #expect(refused?.message.contains("ledger \(path): permission denied") == true, "\(String(describing: refused))")
        #expect(again?.code == .notWritable)
        #expect(failure == nil)
        #expect(readWhileRefused == committed)
        #expect(afterReopen == committed + big)
        #expect(integrity == "ok")
    }
}
