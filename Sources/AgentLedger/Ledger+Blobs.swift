import AgentModel
import Foundation
import GRDB

extension Ledger {
    /// The bytes of the blob whose SHA-256 is `sha256` (64 lowercase hex digits), or nil if none is stored.
    ///
    /// A `tool.finished` payload names the full output of a stream the model saw an excerpt of by
    /// `stdout_sha256`/`stderr_sha256`; this fetches it.
    /// - Throws: ``LedgerFailure`` when the ledger is closed or the read fails.
    public func blob(sha256: String) async throws -> [UInt8]? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT bytes FROM blobs WHERE sha256 = ?", arguments: [sha256]).map { row in
                let data: Data = row[0]
                return [UInt8](data)
            }
        }
    }

    /// The number of stored blobs and their total size in bytes.
    ///
    /// - Throws: ``LedgerFailure`` when the ledger is closed or the read fails.
    public func blobTotals() throws -> (count: Int, bytes: Int64) {
        try readNow { db in
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM blobs")
            return (row?[0] ?? 0, row?[1] ?? 0)
        }
    }
}

extension Ledger {
    /// `observer` seeing committed events as readers do: without their attached blobs, which would otherwise stay
    /// in memory wherever the events are kept (the event hub's buffers).
    static func droppingBlobs(
        _ observer: @escaping @Sendable ([LedgerEvent]) -> Void
    ) -> @Sendable ([LedgerEvent]) -> Void {
        { events in
            guard events.contains(where: { !$0.blobs.isEmpty }) else { return observer(events) }
            observer(events.map(\.withoutBlobs))
        }
    }
}

extension LedgerEvent {
    /// The event without its attached blobs (what observers and readers see once it is committed).
    var withoutBlobs: LedgerEvent {
        var event = self
        event.blobs = []
        return event
    }
}
