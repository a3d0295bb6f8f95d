import Crypto

/// The lowercase hex SHA-256 of a text (swift-crypto), used for the `emu-tools-N` digest line.
public enum HexSHA256 {
    /// The 64 lowercase hex characters of the SHA-256 of the UTF-8 bytes of `text`.
    public static func of(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
