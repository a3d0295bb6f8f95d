import Glibc

/// Classifies one control-socket line of the fan-out benchmark's client by scanning bytes for fixed needles,
/// so the client costs a few `memmem` calls per line instead of a JSON decode.
///
/// The daemon writes compact JSON with sorted keys. Inside the event's `payload` (a JSON string) every quote is
/// escaped, so a needle starting with `"` never matches inside it.
enum FanoutLineScanner {
    enum Line: Equatable {
        /// A `run/event` carrying a `response.output_text.delta` with this seq.
        case delta(seq: Int64)
        /// Any other `run/event`.
        case otherEvent
        /// `run/attach_ended` with its reason.
        case ended(reason: String)
        /// A successful response; `runID` is the first `"id":"run_…"` in it (run/start, run/attach).
        case result(runID: String?)
        /// An error response, with the line for the report.
        case error(String)
        case other
    }

    private static let eventPrefix = Array(#"{"jsonrpc":"2.0","method":"run/event","#.utf8)
    private static let endedMethod = Array(#""method":"run/attach_ended""#.utf8)
    private static let seqKey = Array(#""seq":"#.utf8)
    private static let deltaType = Array(#""type":"response.output_text.delta""#.utf8)
    private static let reasonKey = Array(#""reason":""#.utf8)
    private static let runIDKey = Array(#""id":"run_"#.utf8)
    private static let resultKey = Array(#""result":"#.utf8)
    private static let errorKey = Array(#""error":"#.utf8)

    static func classify(_ line: UnsafeRawBufferPointer) -> Line {
        if line.starts(with: eventPrefix) {
            // The event's own keys follow its (long) payload: search from the end.
            guard let at = findLast(seqKey, in: line), findLast(deltaType, in: line) != nil else { return .otherEvent }
            var seq: Int64 = 0
            var index = at + seqKey.count
            while index < line.count, line[index] >= 0x30, line[index] <= 0x39 {
                seq = seq * 10 + Int64(line[index] - 0x30)
                index += 1
            }
            return .delta(seq: seq)
        }
        if find(endedMethod, in: line) != nil {
            return .ended(reason: string(after: reasonKey, in: line) ?? "?")
        }
        if find(errorKey, in: line) != nil { return .error(String(decoding: line, as: UTF8.self)) }
        if find(resultKey, in: line) != nil {
            return .result(runID: string(after: runIDKey, in: line).map { "run_" + $0 })
        }
        return .other
    }

    /// The characters after `key` up to the next quote.
    private static func string(after key: [UInt8], in line: UnsafeRawBufferPointer) -> String? {
        guard let at = find(key, in: line) else { return nil }
        let start = at + key.count
        var end = start
        while end < line.count, line[end] != UInt8(ascii: "\"") { end += 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: line[start..<end]), as: UTF8.self)
    }

    private static func findLast(_ needle: [UInt8], in line: UnsafeRawBufferPointer) -> Int? {
        var at = line.count - needle.count
        while at >= 0 {
            if line[at] == needle[0] && line[at..<(at + needle.count)].elementsEqual(needle) { return at }
            at -= 1
        }
        return nil
    }

    // memchr for the first byte, memcmp for the rest (Glibc's module does not export the GNU `memmem`).
    private static func find(_ needle: [UInt8], in line: UnsafeRawBufferPointer) -> Int? {
        guard let base = line.baseAddress, let first = needle.first else { return nil }
        return needle.withUnsafeBytes { needle -> Int? in
            var offset = 0
            while line.count - offset >= needle.count {
                guard let hit = memchr(base + offset, Int32(first), line.count - offset - needle.count + 1) else {
                    return nil
                }
                let at = base.distance(to: UnsafeRawPointer(hit))
                if memcmp(base + at, needle.baseAddress!, needle.count) == 0 { return at }
                offset = at + 1
            }
            return nil
        }
    }
}
