import Dispatch
import Foundation
import Logging
import Synchronization

import Glibc

/// Reloads the configuration file on SIGHUP (`systemctl reload agentd`) without stopping anything.
///
/// Live keys (see ``ConfigChanges/isLive(_:in:)``) apply at once; every other changed key is named in one warning
/// saying it needs a restart. A file that no longer parses changes nothing: each problem is logged with its file,
/// line and key, and the daemon keeps serving with the configuration it had.
final class ConfigReloader: Sendable {
    /// What one reload did.
    enum Outcome {
        case noFile
        case refused(ConfigErrors)
        case applied(ConfigChanges)
    }

    let path: String?
    private let live: LiveSettings
    private let notifier: SystemdNotifier
    private let logger: Logger
    private let started: DaemonConfiguration
    private let signals: AsyncStream<Void>
    /// Kept alive for the daemon's life; cancelled when ``run()`` ends.
    private let source: Mutex<(any DispatchSourceSignal)?>
    /// Applies a new `upstream.connections` to the running upstream.
    private let setConnections: @Sendable (Int) async -> Void

    /// Starts catching SIGHUP at once (before readiness is announced), so a reload asked for early is not lost.
    init(
        path: String?, live: LiveSettings, notifier: SystemdNotifier, logger: Logger,
        setConnections: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.setConnections = setConnections
        self.path = path
        self.live = live
        self.notifier = notifier
        self.logger = logger
        self.started = live.configuration
        // SIGHUP's default action would end the daemon; the signal source below sees it anyway.
        signal(SIGHUP, SIG_IGN)
        let (signals, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.signals = signals
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { continuation.yield() }
        source.resume()
        self.source = Mutex(source)
    }

    /// Reloads on every SIGHUP until cancelled.
    func run() async {
        defer { source.withLock { $0?.cancel() } }
        for await _ in signals {
            if case .applied(let changes) = reload(), changes.live.contains("upstream.connections") {
                await setConnections(live.configuration.upstream.connections)
            }
        }
    }

    /// Reads the file again and applies what it can; logs what happened.
    @discardableResult
    func reload() -> Outcome {
        guard let path else {
            logger.notice("SIGHUP: agentd runs on built-in defaults (no --config), nothing to reload")
            return .noFile
        }
        notifier.notify("RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicMicros())")
        defer { notifier.notify("READY=1\nSTATUS=configuration reloaded") }
        let new: DaemonConfiguration
        do {
            new = try DaemonConfiguration.load(path: path)
        } catch let errors as ConfigErrors {
            for error in errors.errors { logger.error("reload: \(error)") }
            logger.error(
                "configuration reload refused; the running configuration is unchanged",
                metadata: ["config.file": "\(path)", "config.errors": "\(errors.errors.count)"])
            return .refused(errors)
        } catch {
            logger.error("configuration reload refused: \(error)", metadata: ["config.file": "\(path)"])
            return .refused(ConfigErrors(errors: [ConfigError(file: path, line: nil, key: "-", message: "\(error)")]))
        }
        let changes = ConfigChanges(started: started, applied: live.configuration, new: new)
        // Restart-only parts that the tool set would otherwise pick up: the command tools stay as started.
        var effective = new
        effective.tools.commands = started.tools.commands
        live.apply(effective)
        logger.notice(
            "configuration reloaded",
            metadata: [
                "config.file": "\(path)", "config.applied": "\(changes.live.joined(separator: ","))",
                "config.restart_needed": "\(changes.needRestart.joined(separator: ","))",
            ])
        if !changes.needRestart.isEmpty {
            logger.warning(
                "changed keys that take effect only after a restart: \(changes.needRestart.joined(separator: ", "))",
                metadata: ["config.file": "\(path)"])
        }
        return .applied(changes)
    }

    private static func monotonicMicros() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }
}
