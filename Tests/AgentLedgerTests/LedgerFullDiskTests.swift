import AgentModel
import Foundation
import Testing

@testable import AgentLedger

/// A real full file system: a small tmpfs mounted by the test (needs root; skipped otherwise).
@Suite(.enabled(if: SmallTmpfs.canMount, "mounting a tmpfs is not permitted here (needs root)"))
struct LedgerFullDiskTests {
    @Test func fullDiskFailsTheAppendKeepsEverythingCommittedAndWritesResumeAfterSpaceIsFreed() async throws {
        let tmpfs = try SmallTmpfs(megabytes: 4)
        defer { tmpfs.unmount() }
        let path = tmpfs.path + "/ledger.sqlite"
        let run = Fixture.run(1)
        let ledger = try Ledger(path: path)
        let committed = Fixture.deltas(run, 0..<50)
        try await ledger.append(committed)
        try tmpfs.fill()

        // Large events need new WAL pages, which the full file system refuses.
        let big = (50..<60).map { Fixture.delta(run, Int64($0), String(repeating: "x", count: 64 << 10)) }
        let refused = await #expect(throws: LedgerFailure.self) { try await ledger.append(big) }
        let readBackWhileFull = try await ledger.allEvents(of: run)

        try tmpfs.free()
        try await ledger.append(big)
        let afterFreeing = try await ledger.allEvents(of: run)
        let failure = ledger.failure
        ledger.close()
        let reopened = try Ledger(path: path)
        let afterReopen = try await reopened.allEvents(of: run)
        let integrity = try reopened.integrityCheck()
        reopened.close()

        #expect(refused?.code == .diskFull)
        #expect(failure == nil)
        #expect(readBackWhileFull == committed)
        #expect(afterFreeing == committed + big)
        #expect(afterReopen == committed + big)
        #expect(integrity == "ok")
    }
}

/// A tmpfs of a few megabytes mounted on a fresh directory.
final class SmallTmpfs: Sendable {
    let path: String
    private var filler: String { path + "/filler" }

    /// Whether this process may mount a tmpfs (tried once on a probe directory).
    static let canMount: Bool = {
        guard let probe = try? SmallTmpfs(megabytes: 1) else { return false }
        probe.unmount()
        return true
    }()

    init(megabytes: Int) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("agentd-tmpfs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path]) == 0 else {
            try? FileManager.default.removeItem(atPath: path)
            throw CocoaError(.fileWriteNoPermission)
        }
    }

    /// Writes zeros into a filler file until the file system is full.
    func fill() throws {
        _ = Self.run("/bin/dd", ["if=/dev/zero", "of=\(filler)", "bs=64k"])
        let attributes = try FileManager.default.attributesOfFileSystem(forPath: path)
        let free = (attributes[.systemFreeSize] as? NSNumber)?.intValue ?? -1
        guard free < 64 << 10 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// Removes the filler file.
    func free() throws {
        try FileManager.default.removeItem(atPath: filler)
    }

    func unmount() {
        _ = Self.run("/bin/umount", [path])
        try? FileManager.default.removeItem(atPath: path)
    }

    @discardableResult
    private static func run(_ executable: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return -1
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
