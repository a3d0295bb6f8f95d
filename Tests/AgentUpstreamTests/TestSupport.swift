import AgentModel
import Foundation
import Logging
import ResponsesEmulator
import Testing
import TestSupport

@testable import AgentUpstream

/// Waits until `condition` holds, checking every 10 ms, for at most `limit`.
func eventually(
    _ what: String,
    within limit: Duration = .seconds(30),
    _ condition: @escaping @Sendable () async -> Bool
) async throws {
    try await withTimeout(limit, what) {
        while await !condition() { try await Task.sleep(for: .milliseconds(10)) }
    }
}

/// Waits until `condition` holds, checking it now and again after every connection event of `pool` (opened,
/// connect failed, closed) and when the pool stops: no polling. Fails after `limit`, or when the pool stopped and
/// `condition` still does not hold.
///
/// Subscribes before the first check, so a change between the check and the wait is never missed.
func untilConnectionEvent(
    _ pool: WebSocketPool,
    _ what: String,
    within limit: Duration = .seconds(30),
    _ condition: @escaping @Sendable () async -> Bool
) async throws {
    let events = await pool.connectionEvents()
    try await withTimeout(limit, what) {
        if await condition() { return }
        for await _ in events where await condition() { return }
        if await condition() { return }
        throw TestTimeout(what: what + " (the pool stopped first)")
    }
}

/// Collects every frame of a response stream.
func collect(_ stream: AsyncThrowingStream<String, any Error>, limit: Duration = .seconds(60)) async throws -> [String] {
    try await withTimeout(limit, "response stream") {
        var frames: [String] = []
        for try await frame in stream { frames.append(frame) }
        return frames
    }
}

/// Collects frames until the stream fails; returns the frames and the error (or nil if it finished).
func collectUntilFailure(
    _ stream: AsyncThrowingStream<String, any Error>,
    limit: Duration = .seconds(60)
) async throws -> ([String], (any Error)?) {
    try await withTimeout(limit, "response stream") {
        var frames: [String] = []
        do {
            for try await frame in stream { frames.append(frame) }
            return (frames, nil)
        } catch {
            return (frames, error)
        }
    }
}

/// Parses a JSON frame.
func json(_ text: String) throws -> JSONValue {
    try JSONCoding.decode(JSONValue.self, from: text)
}

/// Log lines captured in memory (the logging system is never bootstrapped in tests).
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }

    func logger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "test") { _ in CapturingHandler(capture: self) }
        logger.logLevel = level
        return logger
    }

    struct CapturingHandler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = self.metadata.merging(event.metadata ?? [:]) { _, new in new }
            capture.append("\(event.level) \(event.message) \(merged) \(event.error.map { "\($0)" } ?? "")")
        }
    }
}

/// A `response.create` frame for the tests.
func createFrame(
    model: String,
    lane: String?,
    input: String,
    previousResponseID: String? = nil
) -> String {
    var fields = [
        #""type":"response.create""#, #""model":"\#(model)""#, #""store":false"#,
    ]
    if let lane { fields.append(#""stream_id":"\#(lane)""#) }
    if let previousResponseID { fields.append(#""previous_response_id":"\#(previousResponseID)""#) }
    fields.append(#""input":\#(input)"#)
    fields.append(
        #""tools":[{"type":"function","name":"shell","description":"Run a command","parameters":{"type":"object","properties":{"cmd":{"type":"string"}},"required":["cmd"]}}]"#
    )
    return "{" + fields.joined(separator: ",") + "}"
}

/// Runs an emulator and a pool against it for the duration of `body`.
func withEmulatorAndPool<T: Sendable>(
    emulator emulatorConfiguration: EmulatorConfiguration = .init(),
    logs: LogCapture = LogCapture(),
    limit: Duration = .seconds(120),
    configure: @escaping @Sendable (inout UpstreamConfiguration) -> Void = { _ in },
    _ body: @escaping @Sendable (WebSocketPool, ResponsesEmulator) async throws -> T
) async throws -> T {
    var emulatorLogger = Logger(label: "emulator") { _ in SwiftLogNoOpLogHandler() }
    emulatorLogger.logLevel = .critical
    return try await ResponsesEmulator.withRunning(configuration: emulatorConfiguration, logger: emulatorLogger) {
        emulator,
        baseURL in
        var configuration = UpstreamConfiguration(
            url: UpstreamConfiguration.responsesURL(fromBaseURL: baseURL)!,
            apiKey: "sk-test-SECRET-0123456789",
            connections: 1,
            connectTimeout: .seconds(5),
            tickInterval: .milliseconds(20)
        )
        configure(&configuration)
        let pool = WebSocketPool(configuration: configuration, logger: logs.logger())
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await pool.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await withTimeout(limit, "test body") { try await body(pool, emulator) }
        }
    }
}

extension Array where Element == String {
    /// The `type` of every frame.
    func types() throws -> [String] { try map { try json($0)["type"]?.stringValue ?? "?" } }
}
