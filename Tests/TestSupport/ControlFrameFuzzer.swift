/// Random and malformed control-socket lines from a seeded, replayable source: mutated and truncated JSON-RPC
/// requests, JSON that is no request, deep nesting, and random bytes (never a newline, so each is one line).
///
/// Used by the in-process fuzz test of the control server (crash, hang, answers) and by the end-to-end one that
/// bounds a real agentd's memory; `scripts/bench/fuzz.py` is the campaign's larger fuzzer.
public struct ControlFrameFuzzer {
    private var random: SplitMix64

    /// A fuzzer whose lines are fixed by `seed` (a failing seed replays).
    public init(seed: UInt64) { random = SplitMix64(state: seed) }

    static let templates = [
        #"{"jsonrpc":"2.0","id":1,"method":"run/get","params":{"run_id":42}}"#,
        #"{"jsonrpc":"2.0","id":[],"method":"run/start","params":{"prompt":""}}"#,
        #"{"jsonrpc":"1.0","id":2,"method":"daemon/status"}"#,
        #"{"jsonrpc":"2.0","id":3,"method":"run/attach","params":{"run_id":"run_nope","from_seq":-5}}"#,
        #"{"jsonrpc":"2.0","id":4,"method":"approval/resolve","params":{"run_id":"run_x","call_id":7,"approve":"yes"}}"#,
        #"{"jsonrpc":"2.0","method":"run/cancel","params":{"run_id":"run_x"}}"#,
        #"{"jsonrpc":"2.0","id":5,"method":"\u0000","params":null}"#,
        #"[1,2,3]"#, #"null"#, #"{}"#, #""just a string""#, "{\"id\":1e999}",
        String(repeating: "[", count: 2_000), String(repeating: "{\"a\":", count: 300),
    ]

    /// One random line without its newline: a mutated template, a truncated one, random bytes, or a template as is.
    public mutating func nextLine() -> [UInt8] {
        let template = Array(Self.templates[Int(random.next() % UInt64(Self.templates.count))].utf8)
        switch random.next() % 4 {
        case 0:
            return Array(template.prefix(Int(random.next() % UInt64(template.count + 1))))
        case 1:
            var bytes = template
            for _ in 0..<(1 + random.next() % 4) where !bytes.isEmpty {
                bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
            }
            return bytes.filter { $0 != 0x0A }
        case 2:
            return (0..<(random.next() % 200)).map { _ in UInt8(truncatingIfNeeded: random.next()) }.filter { $0 != 0x0A }
        default:
            return template
        }
    }
}

/// A small deterministic random source (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
