import AgentModel
import Foundation

import Glibc

/// A plain blocking client of agentd's control socket speaking JSON lines, for tests that need many independent
/// clients or one that misbehaves (never reads). Every blocking call is made on a `Thread` of its own
/// (``onThread(_:)``), never on the cooperative pool.
final class ControlSocket: @unchecked Sendable {
    private let fd: Int32
    // Touched only by the one thread reading at a time.
    private var buffer: [UInt8] = []
    /// Notifications read while waiting for a response, returned by the next ``readLine(timeout:)`` calls first.
    private var heldBack: [String] = []
    private var nextID = 1

    /// Connects to `path`; `receiveBufferBytes` shrinks the socket's receive buffer (for a client that stops reading).
    init(path: String, receiveBufferBytes: Int32? = nil) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        if var size = receiveBufferBytes {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() where index < raw.count - 1 { raw[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
    }

    deinit { close(fd) }

    /// Writes `line` and a newline completely.
    func send(_ line: String) throws { try send(bytes: Array(line.utf8)) }

    /// Writes `line` (any bytes, valid UTF-8 or not) and a newline completely.
    func send(bytes line: [UInt8]) throws {
        let bytes = line + [UInt8(ascii: "\n")]
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            offset += written
        }
    }

    /// Sends a request and blocks until its response; notifications read meanwhile are kept for ``readLine(timeout:)``.
    ///
    /// - Returns: the response's `result`.
    /// - Throws: ``HarnessError`` when the response is an error.
    func call(_ method: String, _ params: JSONValue) throws -> JSONValue {
        let id = nextID
        nextID += 1
        let request: JSONValue = ["jsonrpc": "2.0", "id": .number(Double(id)), "method": .string(method), "params": params]
        try send(request.serialized)
        while true {
            guard let line = try readFromSocket(timeout: 60) else {
                throw HarnessError("the daemon closed the connection during \(method)")
            }
            // Notifications carry a method and no id; cheap to tell apart before parsing.
            if line.contains("\"method\":\"run/") {
                heldBack.append(line)
                continue
            }
            let message = try JSONValue.parse(line)
            guard message["id"]?.intValue == id else { throw HarnessError("unexpected line during \(method): \(line)") }
            if let error = message["error"] { throw HarnessError("\(method) failed: \(error.serialized)") }
            return message["result"] ?? .null
        }
    }

    /// `initialize` as client `name`.
    func initialize(name: String) throws {
        _ = try call("initialize", ["protocol_version": "1.0", "client": ["name": .string(name), "version": "1"]])
    }

    /// The next line, or `nil` at end of stream; fails after `timeout` seconds without one.
    func readLine(timeout: Double = 60) throws -> String? {
        if !heldBack.isEmpty { return heldBack.removeFirst() }
        return try readFromSocket(timeout: timeout)
    }

    private func readFromSocket(timeout: Double) throws -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw HarnessError("no line from agentd within \(timeout) s") }
            // The poll timeout is only a deadline check, never a synchronisation.
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, Int32(min(remaining, 1) * 1000)) <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 || (count < 0 && errno == ECONNRESET) { return nil }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    /// Reads lines until a `run/attach_ended` notification (or, with `stopAtApprovalRequest`, until an
    /// `approval.requested` event, leaving `endReason` nil).
    ///
    /// Lines are only told apart while reading and parsed afterwards, so a test client keeps up with a fast run.
    ///
    /// - Returns: the ledger events of every `run/event` read, in order, and the end's params.
    func readUntilAttachEnded(stopAtApprovalRequest: Bool = false) throws -> AttachTranscript {
        var eventLines: [String] = []
        var end: JSONValue?
        while end == nil {
            guard let line = try readLine() else {
                throw HarnessError("the daemon closed the connection before attach_ended")
            }
            if line.contains("\"method\":\"run/attach_ended\"") {
                end = try JSONValue.parse(line)["params"] ?? .null
            } else if line.contains("\"method\":\"run/event\"") {
                eventLines.append(line)
                // Keys are sorted and the payload is an escaped string: this is the event's own type.
                let approvalRequest = "\"type\":\"\(ControlEventType.approvalRequested)\""
                if stopAtApprovalRequest && line.contains(approvalRequest) { break }
            } else {
                throw HarnessError("unexpected line while attached: \(line)")
            }
        }
        var transcript = AttachTranscript()
        for line in eventLines {
            guard let event = Self.ledgerEvent(try JSONValue.parse(line)["params"]?["event"]) else {
                throw HarnessError("a run/event without a well-formed event: \(line)")
            }
            transcript.events.append(event)
        }
        transcript.endReason = end?["reason"]?.stringValue
        transcript.nextSeq = end?["next_seq"].flatMap(\.intValue).map(Int64.init)
        return transcript
    }
}

extension ControlSocket {
    /// The ledger event of a `run/event` notification's `event` object.
    static func ledgerEvent(_ value: JSONValue?) -> LedgerEvent? {
        guard let value, let run = value["run_id"]?.stringValue, let seq = value["seq"]?.intValue,
            let ts = value["ts_ms"]?.intValue, let kind = value["kind"]?.stringValue.flatMap(EventKind.init(rawValue:)),
            let type = value["type"]?.stringValue, let payload = value["payload"]?.stringValue
        else { return nil }
        return LedgerEvent(
            runID: RunID(rawValue: run), seq: Int64(seq), timestampMillis: Int64(ts), kind: kind, type: type,
            payload: payload)
    }
}

/// What one subscription delivered: its events in order and how it ended.
struct AttachTranscript: Equatable {
    var events: [LedgerEvent] = []
    var endReason: String?
    var nextSeq: Int64?
}

/// Runs `body` on a `Thread` of its own (blocking socket calls must not occupy the cooperative pool).
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
