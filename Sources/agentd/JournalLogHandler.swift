import Foundation
import Logging
import Synchronization

import Glibc

/// Writes one line per log event to stderr: with a syslog priority prefix (`<6>`) and no timestamp when stderr is
/// the systemd journal, so `journalctl -p warning` filters by level; with a timestamp and the level name otherwise.
///
/// Metadata follows the message as sorted `key=value` pairs (`run.id=run_… upstream.conn=0`); values with spaces
/// are quoted and newlines escaped, so an event is always exactly one journal entry.
struct JournalLogHandler: LogHandler {
    let label: String
    let journal: Bool
    let level: LogLevelSetting
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    /// Set when code assigns `logger.logLevel` itself; otherwise the shared, reloadable level applies.
    private var levelOverride: Logger.Level?

    init(label: String, journal: Bool, level: LogLevelSetting) {
        self.label = label
        self.journal = journal
        self.level = level
    }

    var logLevel: Logger.Level {
        get { levelOverride ?? level.current }
        set { levelOverride = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        if let error = event.error { merged["error"] = "\(error)" }
        let line = Self.format(
            level: event.level, label: label, message: event.message.description, metadata: merged, journal: journal,
            timestamp: Date())
        Self.write(line + "\n")
    }

    /// The syslog priority of `level` (`sd-daemon(3)`): 7 debug, 6 info, 5 notice, 4 warning, 3 error, 2 critical.
    static func priority(of level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// One log line without its newline.
    static func format(
        level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, journal: Bool, timestamp: Date
    ) -> String {
        var line =
            journal
            ? "<\(priority(of: level))>\(label): \(escaped(message))"
            : "\(timestampFormat.format(timestamp)) \(level) \(label): \(escaped(message))"
        for key in metadata.keys.sorted() {
            line += " \(key)=\(rendered(metadata[key]!))"
        }
        return line
    }

    /// Whether `fd` is the stream systemd connected to the journal: `$JOURNAL_STREAM` is its `device:inode`.
    static func isJournal(fd: Int32, environment: [String: String]) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }

    private static func rendered(_ value: Logger.Metadata.Value) -> String {
        let text = escaped("\(value)")
        let needsQuotes = text.isEmpty || text.contains { $0 == " " || $0 == "\"" || $0 == "=" }
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private static func escaped(_ text: String) -> String {
        guard text.contains(where: \.isNewline) else { return text }
        return text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
    }

    private static let timestampFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let writeLock = Mutex(())

    /// Writes whole lines under a lock so that concurrent events never interleave.
    private static func write(_ line: String) {
        writeLock.withLock { _ in
            var bytes = Array(line.utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeMutableBytes { buffer in
                    Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
