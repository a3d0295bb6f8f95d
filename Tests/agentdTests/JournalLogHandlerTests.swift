import Foundation
import Logging
import Testing

@testable import agentd

/// The log line format: syslog priority prefixes for the journal, timestamps otherwise, one line per event.
struct JournalLogHandlerTests {
    static let instant = Date(timeIntervalSince1970: 1_790_000_000.25)

    @Test func journalLinesCarryThePriorityAndSortedMetadata() {
        let line = JournalLogHandler.format(
            level: .warning, label: "agentd", message: "upstream connection lost",
            metadata: ["upstream.conn": "1", "run.id": "run_01", "ledger.seq": "42"], journal: true,
            timestamp: Self.instant)
        #expect(line == "<4>agentd: upstream connection lost ledger.seq=42 run.id=run_01 upstream.conn=1")
    }

    @Test func everyLevelMapsToItsSyslogPriority() {
        let priorities = Logger.Level.allCases.map { JournalLogHandler.priority(of: $0) }
        #expect(priorities == [7, 7, 6, 5, 4, 3, 2])
    }

    @Test func plainLinesCarryATimestampAndTheLevelName() {
        let line = JournalLogHandler.format(
            level: .info, label: "agentd", message: "agentd ready", metadata: ["socket": "/run/a.sock"], journal: false,
            timestamp: Self.instant)
        #expect(line == "2026-09-21T14:13:20.250Z info agentd: agentd ready socket=/run/a.sock")
    }

    @Test func valuesWithSpacesAreQuotedAndNewlinesEscapedSoAnEventStaysOneLine() {
        let line = JournalLogHandler.format(
            level: .error, label: "agentd", message: "reload refused\nsee below",
            metadata: ["error": "bad \"value\"\nline 2", "empty": ""], journal: true, timestamp: Self.instant)
        #expect(line == #"<3>agentd: reload refused\nsee below empty="" error="bad \"value\"\nline 2""#)
        #expect(!line.contains("\n"))
    }

    @Test func stderrIsTheJournalOnlyWhenJournalStreamNamesItsDeviceAndInode() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer {
            close(fds[0])
            close(fds[1])
        }
        var info = stat()
        #expect(fstat(fds[1], &info) == 0)
        let matching = ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino)"]
        let otherInode = ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino + 1)"]
        let results = [
            JournalLogHandler.isJournal(fd: fds[1], environment: matching),
            JournalLogHandler.isJournal(fd: fds[1], environment: otherInode),
            JournalLogHandler.isJournal(fd: fds[1], environment: ["JOURNAL_STREAM": "garbage"]),
            JournalLogHandler.isJournal(fd: fds[1], environment: [:]),
        ]
        #expect(results == [true, false, false, false])
    }

    @Test func theSharedLevelAppliesUntilALoggerSetsItsOwn() {
        let level = LogLevelSetting(.info)
        var handler = JournalLogHandler(label: "agentd", journal: false, level: level)
        level.set(.debug)
        let afterReload = handler.logLevel
        handler.logLevel = .error
        level.set(.trace)
        let afterOverride = handler.logLevel
        #expect([afterReload, afterOverride] == [.debug, .error])
    }
}
