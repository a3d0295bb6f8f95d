import Foundation
import Testing

@testable import AgentControl

/// The params hash of idempotency records is SHA-256: checked against the FIPS 180-4 example vectors.
@Suite struct SHA256DigestTests {
    @Test func digestsMatchTheStandardVectors() {
        let vectors: [(String, String)] = [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (
                String(repeating: "a", count: 1_000_000),
                "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
            ),
        ]
        let digests = vectors.map { SHA256Digest.hex(Array($0.0.utf8)) }
        #expect(digests == vectors.map(\.1))
    }
}
