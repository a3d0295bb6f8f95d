import AgentModel
import AgentProtocol
import Foundation
import NIOCore

/// Builds one subscription's `run/event` notification lines from an event's pre-encoded JSON.
///
/// The line is byte for byte what `WireEncoding.line(JSONRPCNotification(RunEventNotification.self, params))`
/// produces: keys sorted at every level, so the envelope is a fixed prefix, then the event object, then the run
/// and subscription ids, which are fixed per subscription and encoded once here.
struct RunEventLineTemplate: Sendable {
    private static let prefix = Array(#"{"jsonrpc":"2.0","method":"run/event","params":{"event":"#.utf8)
    private let suffix: [UInt8]

    init(subscriptionID: String, runID: RunID) {
        var suffix = Array(#","run_id":"#.utf8)
        JSONStringWriter.append(runID.rawValue, to: &suffix)
        suffix.append(contentsOf: #","subscription_id":"#.utf8)
        JSONStringWriter.append(subscriptionID, to: &suffix)
        suffix.append(contentsOf: "}}\n".utf8)
        self.suffix = suffix
    }

    /// The newline-terminated notification line carrying `eventJSON`.
    func line(eventJSON: Data) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(count(eventJSON: eventJSON))
        write(eventJSON: eventJSON, into: &buffer)
        return buffer
    }

    /// The length of ``line(eventJSON:)``.
    func count(eventJSON: Data) -> Int {
        Self.prefix.count + eventJSON.count + suffix.count
    }

    /// Appends ``line(eventJSON:)`` to `buffer`.
    func write(eventJSON: Data, into buffer: inout ByteBuffer) {
        buffer.writeBytes(Self.prefix)
        buffer.writeBytes(eventJSON)
        buffer.writeBytes(suffix)
    }
}
