import ArgumentParser
import Dispatch
import Foundation
import Logging
import ResponsesEmulator

/// `responses-emulator`: serves the emulated OpenAI Responses API until SIGTERM/SIGINT.
///
/// Prints exactly one line to stdout, the base URL (`http://127.0.0.1:PORT/v1`); logs go to stderr.
struct EmulatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "responses-emulator",
        abstract: "A local emulator of the OpenAI Responses API (WebSocket mode and HTTP/SSE).",
        discussion: """
            Models: emu-text, emu-tools-N[-tool-NAME], emu-journal-N, emu-slow-N-MS, emu-big-N-BYTES, emu-fail, emu-content-filter; \
            suffix -commentary adds phase-labelled messages. On start, prints the base URL \
            (http://HOST:PORT/v1) as the only line on stdout; logs go to stderr.
            """
    )

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to bind (0 = ephemeral).")
    var port: Int = 0

    @Option(name: .customLong("first-event-delay-ms"), help: "Latency before the first event of each response.")
    var firstEventDelayMs: Int = 0

    @Option(name: .customLong("event-delay-ms"), help: "Latency between events of a response.")
    var eventDelayMs: Int = 0

    @Option(
        name: .customLong("max-connection-age-ms"),
        help: "Send websocket_connection_limit_reached and close WebSocket connections at this age."
    )
    var maxConnectionAgeMs: Int?

    @Flag(name: .customLong("require-auth"), help: "Require 'Authorization: Bearer <non-empty>'.")
    var requireAuth = false

    @Option(name: .customLong("drop-after-events"), help: "Fault: drop the TCP connection after N server frames.")
    var dropAfterEvents: Int?

    @Flag(name: .customLong("refuse-upgrade"), help: "Fault: answer WebSocket upgrades with HTTP 426.")
    var refuseUpgrade = false

    @Option(name: .customLong("unknown-event-every"), help: "Fault: inject an unknown 'keepalive' event every N events.")
    var unknownEventEvery: Int?

    @Flag(name: .customLong("forget-cached"), help: "Fault: every continuation gets previous_response_not_found.")
    var forgetCached = false

    @Option(
        name: .customLong("context-window"),
        help: "Context window in tokens (4 bytes each); larger prompts get context_length_exceeded.")
    var contextWindow: Int?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    /// Runs the emulator until SIGTERM or SIGINT (main.swift calls this instead of the synchronous `run()`).
    func serve() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = {
            var logger = Logger(label: "responses-emulator")
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            return logger
        }()

        let configuration = EmulatorConfiguration(
            host: host,
            port: port,
            firstEventDelay: .milliseconds(firstEventDelayMs),
            interEventDelay: .milliseconds(eventDelayMs),
            requireAuthorization: requireAuth,
            maxConnectionAge: maxConnectionAgeMs.map { .milliseconds($0) },
            faults: EmulatorFaults(
                dropAfterEvents: dropAfterEvents,
                refuseUpgradeWith426: refuseUpgrade,
                unknownEventEvery: unknownEventEvery,
                forgetCachedResponses: forgetCached
            )
        )
        var settings = configuration
        settings.contextWindow = contextWindow
        let emulator = ResponsesEmulator(configuration: settings, logger: logger)
        let signals = SignalWaiter(signals: [SIGTERM, SIGINT])

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await emulator.run() }
            group.addTask {
                let url = try await emulator.baseURL()
                FileHandle.standardOutput.write(Data((url.absoluteString + "\n").utf8))
            }
            group.addTask {
                let signal = await signals.next()
                logger.info("stopping", metadata: ["signal": "\(signal)"])
                throw CancellationError()
            }
            do {
                while try await group.next() != nil {}
            } catch is CancellationError {
                group.cancelAll()
            }
        }
    }
}
