/// One dispatched `text/event-stream` event: its `event:` name (if any) and its joined `data:` lines.
struct ServerSentEvent: Equatable, Sendable {
    var event: String?
    var data: String
}

/// An incremental parser of the `text/event-stream` format (WHATWG HTML §9.2.6), fed with arbitrary chunks.
///
/// Lines end with LF, CRLF or CR (a CR at the end of one chunk and an LF at the start of the next count as one
/// line end); `:` lines are comments; `data:` lines are joined with LF; a blank line dispatches the event. Events
/// without data are not dispatched. Pure: no I/O, so the chunk-boundary cases are unit-tested.
struct ServerSentEventParser: Sendable {
    /// Bytes of the line being read (decoded only at the line end, so multi-byte characters may span chunks).
    private var line: [UInt8] = []
    private var data: [String] = []
    private var eventName: String?
    private var lastWasCR = false
    /// Largest line or event accepted; a longer one is an error (a runaway stream must not exhaust memory).
    let maxEventSize: Int
    private var eventSize = 0

    /// Thrown when a line or an event exceeds ``maxEventSize``.
    struct EventTooLarge: Error, Equatable {}

    init(maxEventSize: Int) {
        self.maxEventSize = maxEventSize
    }

    /// Consumes `bytes` and returns the events they complete, in order.
    /// - Throws: ``EventTooLarge`` when a line or an event grows past ``maxEventSize``.
    mutating func feed<Bytes: Sequence>(_ bytes: Bytes) throws -> [ServerSentEvent] where Bytes.Element == UInt8 {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if byte == 0x0A, lastWasCR {
                lastWasCR = false
                continue
            }
            lastWasCR = byte == 0x0D
            if byte == 0x0A || byte == 0x0D {
                if let event = try endLine() { events.append(event) }
            } else {
                line.append(byte)
                if line.count > maxEventSize { throw EventTooLarge() }
            }
        }
        return events
    }

    private mutating func endLine() throws -> ServerSentEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            defer {
                data = []
                eventName = nil
                eventSize = 0
            }
            guard !data.isEmpty else { return nil }
            return ServerSentEvent(event: eventName, data: data.joined(separator: "\n"))
        }
        if line[0] == UInt8(ascii: ":") { return nil }
        let text = String(decoding: line, as: UTF8.self)
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
        } else {
            field = text[...]
            value = ""
        }
        switch field {
        case "data":
            eventSize += value.utf8.count + 1
            if eventSize > maxEventSize { throw EventTooLarge() }
            data.append(String(value))
        case "event":
            eventName = String(value)
        default:
            // `id:` and `retry:` only matter to reconnecting EventSource clients; unknown fields are ignored.
            break
        }
        return nil
    }
}
