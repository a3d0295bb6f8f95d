import Foundation
import Synchronization

/// Timestamps of the moments that bound agentd's own work in a tool round trip.
final class TurnClock: Sendable {
    struct Marks {
        var completed: [ContinuousClock.Instant] = []
        var sent: [ContinuousClock.Instant] = []
        var toolTime: [Duration] = []
    }

    let marks = Mutex(Marks())

    func completedReceived() { marks.withLock { $0.completed.append(.now) } }
    func requestWritten() { marks.withLock { $0.sent.append(.now) } }
    func toolRan(_ duration: Duration) { marks.withLock { $0.toolTime.append(duration) } }

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
