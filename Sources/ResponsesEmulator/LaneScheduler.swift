/// A lane of a WebSocket connection: a named `stream_id`, or the default lane (nil).
struct LaneID: Hashable, Sendable, CustomStringConvertible {
    var streamID: String?
    static let defaultLane = LaneID(streamID: nil)
    var description: String { streamID ?? "<default>" }
}

/// Decides when queued creates start: FIFO and no overlap within a lane, lanes concurrent, at most
/// ``maxActive`` responses active per connection (the rest wait in arrival order). Pure; no I/O.
struct LaneScheduler<Job: Sendable>: Sendable {
    /// A job allowed to start now.
    struct Start: Sendable {
        var lane: LaneID
        var job: Job
    }

    /// The real API's per-connection limit of active responses.
    let maxActive: Int
    private var pending: [(lane: LaneID, job: Job)] = []
    private var busy: Set<LaneID> = []

    init(maxActive: Int = 16) {
        self.maxActive = maxActive
    }

    /// How many responses are running.
    var activeCount: Int { busy.count }
    /// How many creates wait.
    var pendingCount: Int { pending.count }

    /// Queues a create; returns the jobs that may start now (possibly this one).
    mutating func enqueue(_ job: Job, on lane: LaneID) -> [Start] {
        pending.append((lane, job))
        return pump()
    }

    /// Marks the running response of `lane` finished; returns the jobs that may start now.
    mutating func finish(lane: LaneID) -> [Start] {
        busy.remove(lane)
        return pump()
    }

    private mutating func pump() -> [Start] {
        var started: [Start] = []
        var index = 0
        while index < pending.count, busy.count < maxActive {
            let candidate = pending[index]
            if busy.contains(candidate.lane) {
                index += 1
                continue
            }
            pending.remove(at: index)
            busy.insert(candidate.lane)
            started.append(Start(lane: candidate.lane, job: candidate.job))
        }
        return started
    }
}
