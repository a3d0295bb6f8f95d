import AgentModel
import Foundation
import GRDB

/// The ledger's single writer: a queue of pending writes drained by one serial loop, one transaction per batch.
///
/// Natural batching: while a commit (and its fsync) runs, new writes accumulate and go into the next transaction
/// together, so throughput grows with load while a lone `append` still commits at once.
///
/// Threading: `submit` may be called from any thread. Everything else runs on `queue`, the only place the
/// writer connection of `pool` is used. State shared between the two is guarded by `condition`.
final class GroupCommitWriter: @unchecked Sendable {
    /// The most rows one transaction takes (a single larger write still goes in one transaction).
    static let maxBatchRows = 4096

    /// How long writes nobody waits for (streamed deltas) may linger before they commit, so that they share a
    /// transaction with the durable write that usually follows them. A write somebody waits for ends the
    /// linger at once, so it never waits for this.
    let linger: TimeInterval

    let pool: DatabasePool
    let path: String
    let observer: (@Sendable ([LedgerEvent]) -> Void)?
    /// Removed at the first I/O error, so the next open re-verifies the file.
    let session: LedgerSessionMarker?
    let queue = DispatchQueue(label: "agentd.ledger.writer", qos: .userInitiated)

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var pending: [PendingWrite] = []
    private var queuedEvents = 0
    private var draining = false
    /// Set on close or poisoning: every new write fails with it.
    private var refusal: LedgerFailure?
    /// The I/O error that poisoned the ledger.
    private var poisonCause: LedgerFailure?
    private var isClosed = false
    private var injectedFaults: [Int32] = []

    /// Set once by the ledger right after init; moves the WAL into the main file off the commit path.
    var checkpointer: WALCheckpointer?

    // Owned by `queue`.
    /// Writes taken from `pending` and not yet processed, from `backlogHead` on.
    private var backlog: [PendingWrite] = []
    private var backlogHead = 0
    /// Runs whose `enqueue`d events failed and whose next `append` has not been told yet.
    var unreported: [RunID: LedgerFailure] = [:]
    /// Size of the WAL file with the zeros written ahead of its frames (-1: preallocation gave up).
    var walPreallocatedBytes: Int64 = 0
    /// The database's page size, for WAL frame sizes.
    var walPageSize: Int64 = 4096

    init(
        pool: DatabasePool, path: String, observer: (@Sendable ([LedgerEvent]) -> Void)?,
        session: LedgerSessionMarker? = nil, linger: TimeInterval = 0.002
    ) {
        self.linger = linger
        self.pool = pool
        self.path = path
        self.observer = observer
        self.session = session
    }

    /// The I/O error that poisoned the ledger, if any.
    var failure: LedgerFailure? {
        condition.withLock { poisonCause }
    }

    /// Whether ``close()`` was called.
    var closed: Bool {
        condition.withLock { isClosed }
    }

    /// Events submitted and not yet committed or failed.
    var queuedEventCount: Int {
        condition.withLock { queuedEvents }
    }

    /// Queues `write`; fails its waiter at once if the ledger is closed or poisoned.
    func submit(_ write: PendingWrite) {
        condition.lock()
        if let refusal {
            condition.unlock()
            write.fail(refusal)
            return
        }
        pending.append(write)
        queuedEvents += write.eventCount
        let kick = !draining
        draining = true
        if write.waiter != nil { condition.broadcast() }
        condition.unlock()
        if kick {
            queue.async { self.drain() }
        }
    }

    /// Refuses new writes, waits until everything queued before has been committed or failed, then returns.
    func close() {
        dispatchPrecondition(condition: .notOnQueue(queue))
        condition.lock()
        isClosed = true
        if refusal == nil { refusal = .closed(path: path) }
        while draining { condition.wait() }
        condition.unlock()
    }

    /// Marks the ledger poisoned by `cause`: nothing is written any more.
    ///
    /// Every path that makes an I/O error fatal comes here (failed commit, checkpoint or prune). The session
    /// marker goes first, on every call, before any waiter learns of the failure: a daemon that exits on it then
    /// restarts into the full `quick_check`, whichever thread poisoned first.
    func poison(_ cause: LedgerFailure) {
        session?.remove()
        condition.withLock {
            if poisonCause == nil { poisonCause = cause }
            refusal = .poisoned(by: poisonCause ?? cause)
        }
    }

    /// The failure for writes still queued when the ledger stopped, or nil while it writes.
    private var stopFailure: LedgerFailure? {
        condition.withLock { poisonCause.map { LedgerFailure.poisoned(by: $0) } }
    }

    /// Runs on `queue` until nothing is pending.
    private func drain() {
        while let batch = nextBatch() {
            if let stop = stopFailure {
                for write in batch { write.fail(stop) }
            } else {
                process(batch)
            }
            let done = batch.reduce(0) { $0 + $1.eventCount }
            condition.withLock { queuedEvents -= done }
        }
    }

    /// Takes the next batch (at most ``maxBatchRows`` rows, at least one write), or nil when idle.
    private func nextBatch() -> [PendingWrite]? {
        condition.lock()
        if linger > 0 && backlogHead == backlog.count && !pending.isEmpty {
            // Only streamed writes so far: give the durable write that follows a moment to join them.
            let deadline = Date(timeIntervalSinceNow: linger)
            while !isClosed && !pending.contains(where: { $0.waiter != nil }) && condition.wait(until: deadline) {}
        }
        if !pending.isEmpty {
            backlog.append(contentsOf: pending)
            pending.removeAll(keepingCapacity: true)
        }
        if backlogHead == backlog.count {
            backlog.removeAll(keepingCapacity: true)
            backlogHead = 0
            draining = false
            condition.broadcast()
            condition.unlock()
            return nil
        }
        condition.unlock()
        var rows = 0
        var end = backlogHead
        while end < backlog.count {
            let next = backlog[end].rowCount
            if end > backlogHead && rows + next > Self.maxBatchRows { break }
            rows += next
            end += 1
        }
        let batch = Array(backlog[backlogHead..<end])
        backlogHead = end
        if backlogHead > 65_536 && backlogHead * 2 > backlog.count {
            backlog.removeFirst(backlogHead)
            backlogHead = 0
        }
        return batch
    }

    /// Makes the next transaction fail with the SQLite result `code` (tests of the failure paths).
    /// Drops the deferred failure of `run` (see ``Ledger/forgetDeferredFailures(of:)``), on the writer's queue.
    func forgetUnreported(_ run: RunID) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.async {
                self.unreported[run] = nil
                done.resume()
            }
        }
    }

    func injectFault(_ code: Int32) {
        condition.withLock { injectedFaults.append(code) }
    }

    /// The next injected fault, if any.
    func takeInjectedFault() -> Int32? {
        condition.withLock { injectedFaults.isEmpty ? nil : injectedFaults.removeFirst() }
    }
}
