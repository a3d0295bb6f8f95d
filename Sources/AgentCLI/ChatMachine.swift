import AgentModel
import Foundation

/// The decisions of `agentctl chat`, apart from the terminal and the socket: when the next line is read, and what
/// a line, the end of input, a Ctrl-C, an answer of agentd or an event of the run leads to.
///
/// Pure: each input returns the actions to carry out, in order, so the rules are tested without a terminal or a
/// daemon. A line is read only while no turn runs (during a turn stdin belongs to the approval prompts); a turn
/// that another client starts stops a pending read until it ended.
struct ChatMachine: Equatable {
    enum Action: Equatable {
        /// Show the prompt and read the next line.
        case readLine
        /// Stop the pending read: a turn began elsewhere and its output comes now.
        case stopReading
        /// Start the run with this prompt as its first turn (`run/start`).
        case start(String)
        /// Send this prompt to the run (`run/prompt`): a new turn.
        case prompt(String)
        /// Cancel the running turn (`run/cancel`); the chat goes on.
        case cancelTurn(Int)
        /// Ctrl-C again while the turn's cancel is under way: nothing more to do.
        case cancelPending(Int)
        /// Ctrl-C at the prompt: the terminal dropped the line; show the prompt again.
        case redrawPrompt
        /// The turn ended with this status: say so.
        case turnEnded(turn: Int, status: RunStatus)
        /// The person left (Ctrl-D, or the end of piped input): say how to come back.
        case leave
    }

    /// The run, once there is one.
    private(set) var runID: RunID?
    /// The run's latest turn (0: none yet), and whether it runs.
    private(set) var turn: Int
    private(set) var turnRunning: Bool
    /// A line is being read.
    private(set) var reading = false
    /// A line was sent and agentd did not answer yet.
    private(set) var sending = false
    /// The turn of the last prompt agentd took: the next line waits until it ended.
    private var awaitedTurn = 0
    /// The turn whose cancel was asked for.
    private var cancelling: Int?
    private var left = false

    /// A chat on `run` (its turns and status when the chat began), or on a run the first line starts.
    init(run: (id: RunID, turns: Int, status: RunStatus)? = nil) {
        runID = run?.id
        turn = run?.turns ?? 0
        turnRunning = run.map { !$0.status.turnEnded } ?? false
    }

    /// The chat begins: read a line, unless a turn runs.
    mutating func begin() -> [Action] {
        settle()
    }

    /// The person typed `line`.
    mutating func lineRead(_ line: String) -> [Action] {
        reading = false
        let text = line.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, !left else { return settle() }
        sending = true
        return [runID == nil ? .start(text) : .prompt(text)]
    }

    /// A read stopped by ``Action/stopReading`` returned.
    mutating func readStopped() -> [Action] {
        reading = false
        return settle()
    }

    /// Stdin closed (Ctrl-D).
    mutating func inputEnded() -> [Action] {
        reading = false
        guard !left else { return [] }
        left = true
        return [.leave]
    }

    /// agentd took the line: it belongs to `turn` of `runID` (a new turn, or the running one as input).
    mutating func answered(runID: RunID, turn: Int) -> [Action] {
        self.runID = runID
        sending = false
        awaitedTurn = max(awaitedTurn, turn)
        return settle()
    }

    /// agentd refused the line (the reason was shown): read the next one.
    mutating func refused() -> [Action] {
        sending = false
        return settle()
    }

    /// Ctrl-C.
    mutating func interrupted() -> [Action] {
        if turnRunning {
            if cancelling == turn { return [.cancelPending(turn)] }
            cancelling = turn
            return [.cancelTurn(turn)]
        }
        return reading ? [.redrawPrompt] : []
    }

    /// An event of the run: turn boundaries move the chat on.
    mutating func event(_ event: LedgerEvent) -> [Action] {
        switch (event.kind, event.type) {
        case (.run, RunEventType.started):
            // An idle run (no prompt) opens its first turn with `turn.started`.
            guard let started = try? JSONCoding.decode(RunStarted.self, from: event.payload), !started.prompt.isEmpty
            else { return [] }
            return opened(1)
        case (.run, RunEventType.turnStarted):
            guard let started = try? JSONCoding.decode(TurnStarted.self, from: event.payload) else { return [] }
            return opened(started.turn)
        case (.run, RunEventType.forked):
            guard let forked = try? JSONCoding.decode(RunForked.self, from: event.payload) else { return [] }
            turn = max(turn, forked.turn)
            return []
        case (.run, RunEventType.resumed):
            // An interrupted turn goes on (`agentctl resume`, maybe from another client).
            return turn > 0 ? opened(turn) : []
        case (.run, RunEventType.completed): return ended(.completed)
        case (.run, RunEventType.failed): return ended(.failed)
        case (.run, RunEventType.cancelled): return ended(.cancelled)
        case (.run, RunEventType.interrupted): return ended(.interrupted)
        default: return []
        }
    }

    private mutating func opened(_ number: Int) -> [Action] {
        turn = max(turn, number)
        turnRunning = true
        cancelling = nil
        return reading ? [.stopReading] : []
    }

    private mutating func ended(_ status: RunStatus) -> [Action] {
        guard turnRunning else { return [] }
        turnRunning = false
        cancelling = nil
        return [.turnEnded(turn: turn, status: status)] + settle()
    }

    /// Reads the next line when nothing else is under way: no read pending, no line unanswered, no turn running,
    /// and the turn of the last line ended.
    private mutating func settle() -> [Action] {
        guard !left, !reading, !sending, !turnRunning, turn >= awaitedTurn else { return [] }
        reading = true
        return [.readLine]
    }
}
