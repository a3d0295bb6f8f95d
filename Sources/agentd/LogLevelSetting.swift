import Logging
import Synchronization

/// The daemon's log level, shared by every logger and changed in place when a reload sets `daemon.log_level`.
final class LogLevelSetting: Sendable {
    private let level: Mutex<Logger.Level>

    init(_ level: Logger.Level) {
        self.level = Mutex(level)
    }

    var current: Logger.Level { level.withLock { $0 } }

    func set(_ newLevel: Logger.Level) {
        level.withLock { $0 = newLevel }
    }
}
