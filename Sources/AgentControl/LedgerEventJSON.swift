import AgentModel
import Foundation

/// A ``LedgerEvent``'s JSON written by hand, byte for byte what `JSONCoding.encodeData(event)` produces (compact,
/// sorted keys, slashes unescaped) at a fraction of `JSONEncoder`'s cost; the fan-out encodes every streamed event.
///
/// A string with a control character other than `\b \f \n \r \t` goes to `JSONEncoder` instead, so the rare
/// `\u00XX` spelling is never a second implementation.
enum LedgerEventJSON {
    static func encode(_ event: LedgerEvent) -> Data? {
        var out: [UInt8] = []
        out.reserveCapacity(event.payload.utf8.count + event.type.utf8.count + 96)
        out.append(contentsOf: #"{"kind":"#.utf8)
        guard append(string: event.kind.rawValue, to: &out) else { return fallback(event) }
        out.append(contentsOf: #","payload":"#.utf8)
        guard append(string: event.payload, to: &out) else { return fallback(event) }
        out.append(contentsOf: #","run_id":"#.utf8)
        guard append(string: event.runID.rawValue, to: &out) else { return fallback(event) }
        out.append(contentsOf: #","seq":"#.utf8)
        out.append(contentsOf: String(event.seq).utf8)
        out.append(contentsOf: #","ts_ms":"#.utf8)
        out.append(contentsOf: String(event.timestampMillis).utf8)
        out.append(contentsOf: #","type":"#.utf8)
        guard append(string: event.type, to: &out) else { return fallback(event) }
        out.append(UInt8(ascii: "}"))
        return Data(out)
    }

    private static func fallback(_ event: LedgerEvent) -> Data? {
        try? JSONCoding.encodeData(event)
    }

    /// Appends `string` quoted and escaped; false when it holds a control character this writer leaves to
    /// `JSONEncoder`.
    private static func append(string: String, to out: inout [UInt8]) -> Bool {
        out.append(UInt8(ascii: "\""))
        var string = string
        let ok = string.withUTF8 { bytes -> Bool in
            var start = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                let escape: UInt8
                switch byte {
                case UInt8(ascii: "\""): escape = UInt8(ascii: "\"")
                case UInt8(ascii: "\\"): escape = UInt8(ascii: "\\")
                case 0x0A: escape = UInt8(ascii: "n")
                case 0x0D: escape = UInt8(ascii: "r")
                case 0x09: escape = UInt8(ascii: "t")
                case 0x08: escape = UInt8(ascii: "b")
                case 0x0C: escape = UInt8(ascii: "f")
                default: return false
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                out.append(UInt8(ascii: "\\"))
                out.append(escape)
                start = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
            return true
        }
        out.append(UInt8(ascii: "\""))
        return ok
    }
}
