import Foundation
import Synchronization

/// Timestamps of the moments that bound agentd's own work in a tool round trip.
final class TurnClock: Sendable {
    struct Marks {
        var completed: [ContinuousClock.Instant] = []
        var sent: [ContinuousClock.Instant] = []
        var toolTime: [Duration] = []
        var toolStart: [ContinuousClock.Instant] = []
        var toolEnd: [ContinuousClock.Instant] = []
        var sendCalled: [ContinuousClock.Instant] = []
    }

    let marks = Mutex(Marks())

    func completedReceived() { marks.withLock { $0.completed.append(.now) } }
    func requestWritten() { marks.withLock { $0.sent.append(.now) } }
    func toolRan(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) {
        marks.withLock {
            $0.toolTime.append(end - start)
            $0.toolStart.append(start)
            $0.toolEnd.append(end)
        }
    }
    func sendCalled() { marks.withLock { $0.sendCalled.append(.now) } }

    /// The overhead split: completed → tool start, tool end → send called, send called → written.
    func phases() -> [(String, [Duration])] {
        marks.withLock { marks in
            let turns = min(marks.completed.count, marks.sent.count - 1, marks.toolTime.count)
            let range = 0..<max(0, turns)
            return [
                ("completed->tool", range.map { marks.toolStart[$0] - marks.completed[$0] }),
                ("tool->send", range.map { marks.sendCalled[$0 + 1] - marks.toolEnd[$0] }),
                ("send->written", range.map { marks.sent[$0 + 1] - marks.sendCalled[$0 + 1] }),
            ]
        }
    }

    /// For each tool round trip: (next request written − previous response completed) − the tool's own time.
    func overheads() -> [Duration] {
        marks.withLock { marks in
            let turns = min(marks.completed.count, marks.sent.count - 1, marks.toolTime.count)
            return (0..<max(0, turns)).map { index in
                (marks.sent[index + 1] - marks.completed[index]) - marks.toolTime[index]
            }
        }
    }
}
