import Foundation
import NIOCore

/// One line waiting in an ``OutboundQueue``: either complete bytes, or a run event's shared JSON with its
/// subscription's ``RunEventLineTemplate`` — assembled straight into the write buffer, so fanning an event out to
/// N connections allocates no per-connection line.
enum OutboundLine {
    case bytes(ByteBuffer)
    case event(json: Data, template: RunEventLineTemplate)

    /// Bytes on the wire, newline included.
    var count: Int {
        switch self {
        case .bytes(let buffer): buffer.readableBytes
        case .event(let json, let template): template.count(eventJSON: json)
        }
    }

    /// Appends the line to `buffer`.
    func write(into buffer: inout ByteBuffer) {
        switch self {
        case .bytes(let bytes): buffer.writeImmutableBuffer(bytes)
        case .event(let json, let template): template.write(eventJSON: json, into: &buffer)
        }
    }
}
