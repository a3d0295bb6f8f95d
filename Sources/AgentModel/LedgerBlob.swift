/// Bytes that an event's payload references by their SHA-256 (a tool's full output), stored once in the ledger's
/// content-addressed blob table.
///
/// A blob travels to the ledger attached to the event that references it (``LedgerEvent/blobs``) and is written in
/// the same transaction as that event: a committed event never points to a missing blob.
public struct LedgerBlob: Hashable, Sendable {
    /// The SHA-256 of ``bytes``, 64 lowercase hex digits: the blob's key.
    public let sha256: String
    public let bytes: [UInt8]

    /// A blob of `bytes`, keyed by their SHA-256.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
        sha256 = ContentHash.sha256Hex(bytes)
    }
}
