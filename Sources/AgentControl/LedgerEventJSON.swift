import AgentModel
import Foundation

/// A ``LedgerEvent``'s JSON written by hand, byte for byte what `JSONCoding.encodeData(event)` produces (compact,
/// sorted keys, slashes unescaped) at a fraction of `JSONEncoder`'s cost; the fan-out encodes every streamed event.
enum LedgerEventJSON {
    static func encode(_ event: LedgerEvent) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(event.payload.utf8.count + event.type.utf8.count + 96)
        out.append(contentsOf: #"{"kind":"#.utf8)
        JSONStringWriter.append(event.kind.rawValue, to: &out)
        out.append(contentsOf: #","payload":"#.utf8)
        JSONStringWriter.append(event.payload, to: &out)
        out.append(contentsOf: #","run_id":"#.utf8)
        JSONStringWriter.append(event.runID.rawValue, to: &out)
        out.append(contentsOf: #","seq":"#.utf8)
        out.append(contentsOf: String(event.seq).utf8)
        out.append(contentsOf: #","ts_ms":"#.utf8)
        out.append(contentsOf: String(event.timestampMillis).utf8)
        out.append(contentsOf: #","type":"#.utf8)
        JSONStringWriter.append(event.type, to: &out)
        out.append(UInt8(ascii: "}"))
        return Data(out)
    }
}
