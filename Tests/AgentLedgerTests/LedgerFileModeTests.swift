import AgentModel
import TestSupport
import Foundation
import Testing

@testable import AgentLedger

#if canImport(Glibc)
    import Glibc
#endif

/// Ledger files are 0600 whatever the directory's mode (issue 14 item 12).
@Suite struct LedgerFileModeTests {
    private func mode(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & 0o777 : nil
    }

    @Test func aNewLedgerInAnOpenDirectoryIsPrivate() async throws {
        let directory = try TemporaryDirectory()
        #expect(chmod(directory.path, 0o755) == 0)
        let path = directory.file()
        let ledger = try Ledger(path: path)
        try await ledger.append([Fixture.delta(Fixture.run(1), 0)])
        #expect(mode(path) == 0o600)
        #expect(mode(path + "-wal") == 0o600)
        #expect(mode(path + "-shm") == 0o600)
        ledger.close()
    }

    @Test func looserFilesOfAnExistingLedgerAreTightened() async throws {
        let directory = try TemporaryDirectory()
        #expect(chmod(directory.path, 0o755) == 0)
        let path = directory.file()
        let first = try Ledger(path: path)
        try await first.append([Fixture.delta(Fixture.run(1), 0)])
        first.close()
        #expect(chmod(path, 0o644) == 0)

        let reopened = try Ledger(path: path)
        #expect(mode(path) == 0o600)
        #expect(try await reopened.allEvents(of: Fixture.run(1)).count == 1)
        reopened.close()
    }
}
