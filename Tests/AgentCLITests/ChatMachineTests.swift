@testable import AgentCLI
import AgentModel
import Testing

/// `agentctl chat`'s decisions: a line is read only between turns, Ctrl-C cancels the turn and not the chat,
/// another client's turn takes the prompt away until it ended, Ctrl-D leaves.
struct ChatMachineTests {
    static let run = RunID(rawValue: "run_0123456789abcdef")

    @Test func theFirstLineStartsTheRunAndTheNextLineWaitsForItsEnd() {
        var chat = ChatMachine()
        #expect(chat.begin() == [.readLine])
        #expect(chat.lineRead("  find the bug ") == [.start("find the bug")])
        #expect(chat.answered(runID: Self.run, turn: 1) == [])
        #expect(chat.event(Self.started(prompt: "find the bug")) == [])
        #expect(chat.event(Self.event(RunEventType.completed)) == [.turnEnded(turn: 1, status: .completed), .readLine])
        #expect(chat.lineRead("now fix it") == [.prompt("now fix it")])
        #expect(chat.event(Self.turn(2)) == [])
        #expect(chat.answered(runID: Self.run, turn: 2) == [])
        #expect(chat.event(Self.event(RunEventType.failed)) == [.turnEnded(turn: 2, status: .failed), .readLine])
    }

    @Test func aTurnThatEndsBeforeItsAnswerArrivesReadsTheNextLineOnTheAnswer() {
        var chat = ChatMachine(run: (Self.run, 1, .completed))
        #expect(chat.begin() == [.readLine])
        #expect(chat.lineRead("quick one") == [.prompt("quick one")])
        #expect(chat.event(Self.turn(2)) == [])
        #expect(chat.event(Self.event(RunEventType.completed)) == [.turnEnded(turn: 2, status: .completed)])
        #expect(chat.answered(runID: Self.run, turn: 2) == [.readLine])
    }

    @Test func anAnswerForATurnNotSeenYetWaitsForThatTurn() {
        var chat = ChatMachine(run: (Self.run, 1, .completed))
        _ = chat.begin()
        _ = chat.lineRead("next")
        #expect(chat.answered(runID: Self.run, turn: 2) == [])
        #expect(chat.event(Self.turn(2)) == [])
        #expect(chat.event(Self.event(RunEventType.completed)) == [.turnEnded(turn: 2, status: .completed), .readLine])
    }

    @Test func ctrlCCancelsTheRunningTurnOnceAndTheChatGoesOn() {
        var chat = ChatMachine(run: (Self.run, 1, .completed))
        _ = chat.begin()
        _ = chat.lineRead("a slow one")
        _ = chat.event(Self.turn(2))
        _ = chat.answered(runID: Self.run, turn: 2)
        #expect(chat.interrupted() == [.cancelTurn(2)])
        #expect(chat.interrupted() == [.cancelPending(2)])
        #expect(chat.event(Self.event(RunEventType.cancelled)) == [.turnEnded(turn: 2, status: .cancelled), .readLine])
        #expect(chat.interrupted() == [.redrawPrompt])
        #expect(chat.lineRead("still there?") == [.prompt("still there?")])
        #expect(chat.event(Self.turn(3)) == [])
        #expect(chat.interrupted() == [.cancelTurn(3)])
    }

    @Test func anotherClientsTurnStopsTheReadUntilItEnded() {
        var chat = ChatMachine(run: (Self.run, 2, .completed))
        #expect(chat.begin() == [.readLine])
        #expect(chat.event(Self.turn(3)) == [.stopReading])
        #expect(chat.readStopped() == [])
        #expect(chat.event(Self.event(RunEventType.completed)) == [.turnEnded(turn: 3, status: .completed), .readLine])
    }

    @Test func joiningARunningTurnWaitsForItsEnd() {
        var chat = ChatMachine(run: (Self.run, 4, .awaitingApproval))
        #expect(chat.begin() == [])
        #expect(chat.interrupted() == [.cancelTurn(4)])
        #expect(chat.event(Self.event(RunEventType.cancelled)) == [.turnEnded(turn: 4, status: .cancelled), .readLine])
    }

    @Test func anInterruptedTurnThatResumesIsStillRunning() {
        var chat = ChatMachine(run: (Self.run, 1, .running))
        _ = chat.begin()
        #expect(
            chat.event(Self.event(RunEventType.interrupted)) == [.turnEnded(turn: 1, status: .interrupted), .readLine])
        #expect(chat.event(Self.event(RunEventType.resumed)) == [.stopReading])
        #expect(chat.turnRunning)
    }

    @Test func emptyLinesAndRefusalsReadAgainAndCtrlDLeaves() {
        var chat = ChatMachine()
        _ = chat.begin()
        #expect(chat.lineRead("   ") == [.readLine])
        #expect(chat.lineRead("go") == [.start("go")])
        #expect(chat.refused() == [.readLine])
        #expect(chat.inputEnded() == [.leave])
        #expect(chat.inputEnded() == [])
        #expect(chat.refused() == [])
    }

    @Test func anIdleRunsStartedEventOpensNoTurn() {
        var chat = ChatMachine(run: (Self.run, 0, .idle))
        #expect(chat.begin() == [.readLine])
        #expect(chat.event(Self.started(prompt: "")) == [])
        #expect(chat.turn == 0)
        #expect(chat.lineRead("hello") == [.prompt("hello")])
        #expect(chat.event(Self.turn(1)) == [])
        #expect(chat.answered(runID: Self.run, turn: 1) == [])
        #expect(chat.event(Self.event(RunEventType.completed)) == [.turnEnded(turn: 1, status: .completed), .readLine])
    }

    static func event(_ type: String, payload: String = "{}", kind: EventKind = .run) -> LedgerEvent {
        LedgerEvent(runID: run, seq: 0, timestampMillis: 0, kind: kind, type: type, payload: payload)
    }

    static func turn(_ number: Int) -> LedgerEvent {
        event(RunEventType.turnStarted, payload: try! JSONCoding.encode(TurnStarted(turn: number, prompt: "p")))
    }

    static func started(prompt: String) -> LedgerEvent {
        let started = RunStarted(model: "m", prompt: prompt, instructions: nil, cwd: "/", tools: [], client: nil)
        return event(RunEventType.started, payload: try! JSONCoding.encode(started))
    }
}
