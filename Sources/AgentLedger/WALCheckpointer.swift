import Dispatch
import Foundation
import GRDB
import GRDBSQLite

/// Moves the WAL into the main file on its own connection and thread, so commits never wait for a checkpoint.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold: under `synchronous=FULL`
/// that commit then copies megabytes and fsyncs the main file, and every append queued behind it waits. Here the
/// writer connection has `wal_autocheckpoint=0` and a WAL hook that, after a commit leaves more than
/// ``threshold`` frames in the WAL, asks this type for a `PASSIVE` checkpoint on a background queue. A passive
/// checkpoint takes no lock the writer needs; the writer restarts the WAL from its beginning once everything in
/// it has been copied. Should the WAL still outgrow ``hardLimit`` (a checkpoint cannot keep up with a sustained
/// burst), the writer checkpoints inline with `RESTART` once, which bounds the file.
final class WALCheckpointer: @unchecked Sendable {
    /// Default WAL frames (pages) after which a background checkpoint starts: 4,096 pages, 16 MiB.
    static let defaultThreshold: Int32 = 4096
    /// Default WAL frames after which the writer checkpoints inline: 65,536 pages, 256 MiB.
    static let defaultHardLimit: Int32 = 65_536

    /// WAL frames after which a background checkpoint starts.
    let threshold: Int32
    /// WAL frames after which the writer checkpoints inline.
    let hardLimit: Int32

    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "agentd.ledger.checkpoint", qos: .utility)
    private let onIOError: @Sendable (Error) -> Void
    private let lock = NSLock()
    private var running = false
    private var stopped = false
    private var completed = (background: 0, inline: 0)
    /// Set by the WAL hook (writer queue) when the WAL crossed ``hardLimit``; read by the writer after the commit.
    var needsInlineCheckpoint = false
    /// Frames in the WAL after the last commit (set by the WAL hook on the writer queue, read there).
    var walFrames: Int32 = 0

    /// Opens the checkpointer's own connection to `path` (an existing WAL database).
    ///
    /// - Parameter onIOError: called (on the checkpoint queue) when a checkpoint fails, with the error (wrapped in
    ///   ``SQLiteSystemError`` when a file may not be written): a failed fsync of the main file must stop the
    ///   ledger like a failed commit does.
    init(
        path: String, threshold: Int32 = defaultThreshold, hardLimit: Int32 = defaultHardLimit,
        onIOError: @escaping @Sendable (Error) -> Void
    ) throws {
        self.threshold = threshold
        self.hardLimit = hardLimit
        var configuration = Configuration()
        configuration.label = "agentd.ledger.checkpoint"
        configuration.busyMode = .timeout(LedgerOpener.busyTimeout)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.onIOError = onIOError
    }

    /// Replaces SQLite's automatic checkpoint on the writer connection `db` by this checkpointer.
    ///
    /// The hook holds an unretained reference: call ``uninstall(from:)`` before this object goes.
    func install(on db: Database) throws {
        try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
        sqlite3_wal_hook(
            db.sqliteConnection,
            { context, _, _, frames in
                guard let context else { return SQLITE_OK }
                Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().walGrew(to: frames)
                return SQLITE_OK
            }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Removes the hook from the writer connection `db`.
    func uninstall(from db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, nil, nil)
    }

    /// Called by the WAL hook after each commit with the number of frames now in the WAL.
    private func walGrew(to frames: Int32) {
        walFrames = frames
        if frames >= hardLimit { needsInlineCheckpoint = true }
        guard frames >= threshold else { return }
        let start = lock.withLock {
            guard !running, !stopped else { return false }
            running = true
            return true
        }
        if start { queue.async { self.checkpoint() } }
    }

    private func checkpoint() {
        defer { lock.withLock { running = false } }
        do {
            try connection.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
            lock.withLock { completed.background += 1 }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            // Another checkpoint (the writer's inline one, or close) holds the checkpoint lock: nothing lost.
        } catch {
            onIOError(SQLiteSystemError.wrapping(error, ledgerPath: connection.path))
        }
    }

    /// Counts a checkpoint the writer ran inline.
    func noteInlineCheckpoint() {
        lock.withLock { completed.inline += 1 }
    }

    /// Checkpoints completed so far, in the background and inline (for tests and diagnostics).
    var completedCheckpoints: (background: Int, inline: Int) {
        lock.withLock { completed }
    }

    /// Returns once a checkpoint started before this call has finished.
    func waitForRunningCheckpoint() {
        queue.sync {}
    }

    /// Waits for a running checkpoint, refuses new ones and closes the connection.
    func stop() {
        lock.withLock { stopped = true }
        queue.sync {}
        try? connection.close()
    }
}
