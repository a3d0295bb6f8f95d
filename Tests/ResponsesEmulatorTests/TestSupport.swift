import Foundation
import Logging
import Testing
import WSClient

@testable import ResponsesEmulator

/// A logger that drops everything (tests never bootstrap the logging system).
let quietLogger = Logger(label: "emulator-tests", factory: { _ in SwiftLogNoOpLogHandler() })

/// Runs `body` against a fresh emulator on 127.0.0.1:0.
func withEmulator<T: Sendable>(
    _ configuration: EmulatorConfiguration = .init(),
    _ body: @Sendable (ResponsesEmulator, URL) async throws -> T
) async throws -> T {
    try await ResponsesEmulator.withRunning(configuration: configuration, logger: quietLogger, body)
}

/// The WebSocket endpoint for an emulator base URL (`http://…/v1` → `ws://…/v1/responses`).
func webSocketURL(_ base: URL) -> String {
    base.absoluteString.replacingOccurrences(of: "http://", with: "ws://") + "/responses"
}

/// Parses one frame; fails the test on invalid JSON.
func parse(_ text: String) throws -> JSONValue {
    try JSONParser.parse(text)
}

/// A client connection as a test sees it: send frames, read frames one by one.
final class TestSocket {
    private var iterator: WebSocketInboundMessageStream.AsyncIterator
    private let outbound: WebSocketOutboundWriter

    init(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) {
        self.iterator = inbound.messages(maxSize: 64 << 20).makeAsyncIterator()
        self.outbound = outbound
    }

    /// Sends one text frame.
    func send(_ json: JSONValue) async throws {
        try await outbound.writeTextMessage(json.serialized)
    }

    /// Sends raw text.
    func sendRaw(_ text: String) async throws {
        try await outbound.writeTextMessage(text)
    }

    /// The next server frame, or nil once the connection ended.
    func next() async throws -> JSONValue? {
        while let message = try await iterator.next() {
            if case .text(let text) = message { return try parse(text) }
        }
        return nil
    }

    /// Reads frames up to and including the first terminal one (`response.completed|failed|incomplete`, `error`
    /// without `sequence_number`), returning them all.
    func readResponse() async throws -> [JSONValue] {
        var frames: [JSONValue] = []
        while let frame = try await next() {
            frames.append(frame)
            let type = frame["type"]?.stringValue ?? ""
            if ["response.completed", "response.failed", "response.incomplete"].contains(type) { return frames }
            if type == "error", frame["sequence_number"] == nil { return frames }
        }
        Issue.record("connection ended before a terminal event; got \(frames.map { $0["type"]?.stringValue ?? "?" })")
        return frames
    }
}

/// Connects to the emulator and runs `body` with the open socket; rethrows what `body` throws.
func withSocket(
    _ base: URL,
    authorization: String? = nil,
    _ body: @escaping @Sendable (TestSocket) async throws -> Void
) async throws {
    let failure = LockedBox<(any Error)?>(nil)
    var configuration = WebSocketClientConfiguration(maxFrameSize: 64 << 20)
    if let authorization { configuration.additionalHeaders = [.authorization: authorization] }
    try await WebSocketClient.connect(
        url: webSocketURL(base),
        configuration: configuration,
        logger: quietLogger
    ) { inbound, outbound, _ in
        do {
            try await body(TestSocket(inbound: inbound, outbound: outbound))
        } catch {
            failure.withLock { $0 = error }
        }
    }
    if let error = failure.withLock({ $0 }) { throw error }
}

/// A value shared between tasks under a lock.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.withLock { body(&value) }
    }
}

/// Builds a `response.create` frame.
func createFrame(
    model: String,
    input: JSONValue? = nil,
    previousResponseID: String? = nil,
    streamID: String? = nil,
    store: Bool? = nil,
    generate: Bool? = nil
) -> JSONValue {
    var members: [(String, JSONValue)] = [("type", .string("response.create")), ("model", .string(model))]
    if let input { members.append(("input", input)) }
    if let previousResponseID { members.append(("previous_response_id", .string(previousResponseID))) }
    if let streamID { members.append(("stream_id", .string(streamID))) }
    if let store { members.append(("store", .bool(store))) }
    if let generate { members.append(("generate", .bool(generate))) }
    return .object(members)
}

/// A `function_call_output` input item.
func toolOutput(callID: String, output: String) -> JSONValue {
    .object([("type", .string("function_call_output")), ("call_id", .string(callID)), ("output", .string(output))])
}

extension Array where Element == JSONValue {
    /// The `type` of each frame.
    var types: [String] { map { $0["type"]?.stringValue ?? "?" } }

    /// The finished function call of a response (from `response.output_item.done`).
    var functionCall: JSONValue? {
        first { $0["type"]?.stringValue == "response.output_item.done" && $0["item"]?["type"]?.stringValue == "function_call" }?[
            "item"]
    }

    /// The terminal Response object.
    var finalResponse: JSONValue? { last?["response"] }
}

extension Array where Element == JSONValue {
    // These helpers keep closures out of #expect: with this toolchain, `$0` closures inside #expect can be
    // mixed up with other closures of the same function (observed: a later filter returned the earlier
    // filter's result).

    /// The `sequence_number` of each frame.
    var sequenceNumbers: [Int?] { map { $0["sequence_number"]?.intValue } }

    /// The distinct `stream_id`s of the frames (nil = absent).
    var streamIDs: Set<String?> { Set(map { $0["stream_id"]?.stringValue }) }

    /// The frames of one type.
    func frames(ofType type: String) -> [JSONValue] {
        filter { $0["type"]?.stringValue == type }
    }

    /// The string field `key` of the first frame of `type`.
    func string(_ key: String, ofFirst type: String) -> String? {
        frames(ofType: type).first?[key]?.stringValue
    }

    /// The concatenated `delta`s of all frames of `type`.
    func joinedDeltas(_ type: String) -> String {
        frames(ofType: type).compactMap { $0["delta"]?.stringValue }.joined()
    }
}
