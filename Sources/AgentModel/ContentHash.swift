import Crypto

/// SHA-256 as 64 lowercase hex digits: the key of the ledger's content-addressed blob table and the fingerprint of
/// an idempotent request's parameters (swift-crypto, BoringSSL-backed on Linux).
public enum ContentHash {
    /// The SHA-256 of `bytes` as 64 lowercase hex digits.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).hexDigits
    }
}

extension Digest {
    /// The digest as lowercase hex.
    var hexDigits: String {
        let alphabet = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(Self.byteCount * 2)
        for byte in self {
            text.append(alphabet[Int(byte >> 4)])
            text.append(alphabet[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
