/// Random identifiers shaped like the real API's (`resp_`, `msg_`, `fc_`, `call_`, `rs_` + hex).
enum IDGenerator {
    /// `prefix_` followed by `hexCount` random lowercase hex digits.
    static func make(_ prefix: String, hexCount: Int = 48) -> String {
        prefix + "_" + randomHex(hexCount)
    }

    static func randomHex(_ count: Int) -> String {
        let digits = Array("0123456789abcdef")
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in digits[Int(generator.next() % 16)] })
    }

    /// Random alphanumeric padding, like the real `obfuscation` field.
    static func obfuscation() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        let length = Int.random(in: 2...14)
        return String((0..<length).map { _ in alphabet.randomElement()! })
    }
}
