import AgentModel
import Foundation
import Logging
import ResponsesEmulator
import TestSupport

@testable import AgentUpstream

/// Runs an in-process emulator on `127.0.0.1:0` for the duration of `body`, bounded by `limit`.
func withEmulator<T: Sendable>(
    _ configuration: EmulatorConfiguration = .init(),
    limit: Duration = .seconds(120),
    _ body: @escaping @Sendable (ResponsesEmulator, URL) async throws -> T
) async throws -> T {
    var logger = Logger(label: "emulator") { _ in SwiftLogNoOpLogHandler() }
    logger.logLevel = .critical
    return try await ResponsesEmulator.withRunning(configuration: configuration, logger: logger) { emulator, baseURL in
        try await withTimeout(limit, "test body") { try await body(emulator, baseURL) }
    }
}

/// An upstream configuration for the emulator at `baseURL` (fast timers, a key that must never be logged).
func testConfiguration(
    _ baseURL: URL,
    _ configure: (inout UpstreamConfiguration) -> Void = { _ in }
) -> UpstreamConfiguration {
    var configuration = UpstreamConfiguration(
        url: UpstreamConfiguration.responsesURL(fromBaseURL: baseURL)!,
        apiKey: "sk-test-SECRET-0123456789",
        connections: 1,
        connectTimeout: .seconds(10),
        tickInterval: .milliseconds(20)
    )
    configure(&configuration)
    return configuration
}

/// Runs `service` (an upstream's `run()`) next to `body`; cancels it when `body` returns or throws.
func whileRunning<T: Sendable>(
    _ service: @escaping @Sendable () async throws -> Void,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await service()
            return nil
        }
        defer { group.cancelAll() }
        return try await body()
    }
}
