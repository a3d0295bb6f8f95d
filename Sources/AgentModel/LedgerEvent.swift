import Foundation

/// One immutable entry of a run's history; the ledger stores these and the reducer folds them.
public struct LedgerEvent: Hashable, Sendable, Codable {
    /// The run this event belongs to.
    public var runID: RunID
    /// Position in the run's history, from 0, without gaps.
    public var seq: Int64
    /// Milliseconds since the Unix epoch when the event was recorded.
    public var timestampMillis: Int64
    /// Where the event came from.
    public var kind: EventKind
    /// The event's type: an upstream frame's `type`, or one of ``RunEventType`` / ``ToolEventType``.
    public var type: String
    /// The payload as JSON text (for upstream frames, the exact bytes that crossed the socket).
    public var payload: String
    /// Content the payload references by hash (see ``LedgerBlob``), written to the ledger's blob table in the same
    /// transaction as this event. Transport only: not part of the event's JSON or equality, empty when read back.
    public var blobs: [LedgerBlob] = []

    public init(runID: RunID, seq: Int64, timestampMillis: Int64, kind: EventKind, type: String, payload: String) {
        self.runID = runID
        self.seq = seq
        self.timestampMillis = timestampMillis
        self.kind = kind
        self.type = type
        self.payload = payload
    }

    enum CodingKeys: String, CodingKey {
        case runID = "run_id"
        case seq
        case timestampMillis = "ts_ms"
        case kind
        case type
        case payload
    }

    /// Events are equal when their stored rows are: attached ``blobs`` are not compared.
    public static func == (lhs: LedgerEvent, rhs: LedgerEvent) -> Bool {
        lhs.runID == rhs.runID && lhs.seq == rhs.seq && lhs.timestampMillis == rhs.timestampMillis
            && lhs.kind == rhs.kind && lhs.type == rhs.type && lhs.payload == rhs.payload
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(runID)
        hasher.combine(seq)
        hasher.combine(timestampMillis)
        hasher.combine(kind)
        hasher.combine(type)
        hasher.combine(payload)
    }

    /// The current time in milliseconds since the Unix epoch.
    public static func nowMillis() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1000)
    }
}
