import AgentModel
import Foundation

/// The routing fields of a server frame: top-level `type` and `stream_id`, and for `error` frames the nested
/// `error.code`. Read by a shallow scan of the top-level object so large frames are not fully decoded.
struct FrameHeader: Equatable, Sendable {
    var type: String?
    var streamID: String?
    /// `error.code` of an `error` frame.
    var errorCode: String?
    /// Whether the frame has a top-level `sequence_number` (an `error` with one was emitted inside a running
    /// response, and a `response.failed` usually follows it on the same lane).
    var hasSequenceNumber = false

    /// Codes of `error` frames that concern the whole connection, not one request.
    static let connectionScopedErrorCodes: Set<String> = ["websocket_connection_limit_reached"]

    /// Whether the frame ends a response.
    var isTerminal: Bool { type.map { UpstreamEventType.terminal.contains($0) } ?? false }

    /// Whether this is an `error` frame about the whole connection.
    var isConnectionScopedError: Bool {
        type == UpstreamEventType.error && errorCode.map { Self.connectionScopedErrorCodes.contains($0) } == true
    }

    /// Parses the routing fields of `text`; unparsable text yields an empty header.
    init(parsing text: String) {
        var scanner = ShallowJSONScanner(Array(text.utf8))
        if let fields = scanner.topLevelMembers(strings: ["type", "stream_id"], present: ["sequence_number"]) {
            type = fields.strings["type"]
            streamID = fields.strings["stream_id"]
            hasSequenceNumber = fields.present.contains("sequence_number")
        }
        if type == UpstreamEventType.error {
            struct ErrorFrame: Decodable {
                struct Inner: Decodable { var code: String? }
                var error: Inner?
            }
            errorCode = (try? JSONCoding.decode(ErrorFrame.self, from: text))?.error?.code
        }
    }

    init(type: String?, streamID: String?, errorCode: String? = nil, hasSequenceNumber: Bool = false) {
        self.type = type
        self.streamID = streamID
        self.errorCode = errorCode
        self.hasSequenceNumber = hasSequenceNumber
    }

    /// Whether this is an `error` that ended a response already under way (a trailing `response.failed` may follow).
    var isInStreamError: Bool { type == UpstreamEventType.error && hasSequenceNumber }

    /// Whether this is a response lifecycle terminal (`response.completed|failed|incomplete|done`).
    var isResponseTerminal: Bool { isTerminal && type != UpstreamEventType.error }
}

/// Reads selected string members of a JSON object's top level, skipping every other value without building it.
struct ShallowJSONScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Returns the requested top-level string members (missing or non-string members are absent) and which of
    /// the `present` keys occur, or `nil` if the text is not a JSON object.
    mutating func topLevelMembers(strings keys: Set<String>, present: Set<String>) -> (strings: [String: String], present: Set<String>)? {
        var result: [String: String] = [:]
        var seen: Set<String> = []
        skipWhitespace()
        guard consume(UInt8(ascii: "{")) else { return nil }
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return (result, seen) }
        while true {
            skipWhitespace()
            guard let key = readString() else { return nil }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { return nil }
            skipWhitespace()
            if present.contains(key) { seen.insert(key) }
            if keys.contains(key), peek() == UInt8(ascii: "\"") {
                guard let value = readString() else { return nil }
                result[key] = value
            } else {
                guard skipValue() else { return nil }
            }
            if result.count == keys.count, seen.count == present.count { return (result, seen) }
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            if consume(UInt8(ascii: "}")) { return (result, seen) }
            return nil
        }
    }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index += 1
        return true
    }

    private mutating func skipWhitespace() {
        while let b = peek(), b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { index += 1 }
    }

    /// Reads a string at the cursor; decodes escapes through `JSONSerialization` only when present.
    private mutating func readString() -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = index
        var escaped = false
        while let b = peek() {
            if b == UInt8(ascii: "\\") {
                escaped = true
                index += 2
                continue
            }
            if b == UInt8(ascii: "\"") {
                let raw = bytes[start..<index]
                index += 1
                if !escaped { return String(decoding: raw, as: UTF8.self) }
                let quoted = [UInt8(ascii: "\"")] + raw + [UInt8(ascii: "\"")]
                return (try? JSONSerialization.jsonObject(with: Data(quoted), options: .fragmentsAllowed)) as? String
            }
            index += 1
        }
        return nil
    }

    /// Skips one value of any kind (strings are skipped escape-aware; brackets are counted).
    private mutating func skipValue() -> Bool {
        guard let first = peek() else { return false }
        if first == UInt8(ascii: "\"") { return readRawString() }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            var depth = 0
            while let b = peek() {
                switch b {
                case UInt8(ascii: "\""):
                    guard readRawString() else { return false }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        index += 1
                        return true
                    }
                default:
                    break
                }
                index += 1
            }
            return false
        }
        // number, true, false, null
        while let b = peek(), b != UInt8(ascii: ","), b != UInt8(ascii: "}"), b != UInt8(ascii: "]"),
            b != 0x20, b != 0x0A, b != 0x0D, b != 0x09
        {
            index += 1
        }
        return true
    }

    private mutating func readRawString() -> Bool {
        guard consume(UInt8(ascii: "\"")) else { return false }
        while let b = peek() {
            if b == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            index += 1
            if b == UInt8(ascii: "\"") { return true }
        }
        return false
    }
}
