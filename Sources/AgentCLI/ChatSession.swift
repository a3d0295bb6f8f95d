import AgentClient
import AgentModel
import AgentProtocol
import ArgumentParser
import Foundation

/// One `agentctl chat`: carries out what ``ChatMachine`` decides (reads lines, sends them as turns, cancels a turn)
/// and shows the run's events as `start` does (``EventPrinter``, ``LiveView`` with its approval prompts).
///
/// Everything happens on the task of ``run(_:)``: the line reader, the run's event feed and Ctrl-C only post
/// ``Input``s to its mailbox, so the machine, the printer and the screen have one owner.
struct ChatSession {
    private enum Input: Sendable {
        case line(KeyReader.Line)
        case event(LedgerEvent)
        /// The run's event feed ended for good (`nil`: the connection closed).
        case feedEnded(AttachEndReason?)
        case interrupt
    }

    private let session: Session
    private let options: RunOptions
    private let json: Bool
    private let prompts: Bool
    private let style = TerminalStyle.detect()
    /// A person types the lines: show a prompt, and leave their own prompts out of the transcript.
    private let interactive = KeyReader.stdinIsTerminal
    private let inputs: AsyncStream<Input>
    private let mailbox: AsyncStream<Input>.Continuation
    /// Wakes the feed after a prompt, when agentd ended it with the run's turn (`run_ended`: a daemon that does
    /// not know `across_turns`).
    private let wakes: AsyncStream<Void>
    private let waker: AsyncStream<Void>.Continuation

    private var machine = ChatMachine()
    private var printer: EventPrinter
    private var live: LiveView?
    private var reader: KeyReader?
    private var feed: Task<Void, Never>?
    /// What the events of the current turn said, for its summary.
    private var turnTally = RunTally()
    /// The `input_id`s of the turns this chat sent (the others came from another client).
    private var ownInputIDs: Set<String> = []
    private var startedHere = false

    init(session: Session, options: RunOptions, json: Bool, prompts: Bool) {
        self.session = session
        self.options = options
        self.json = json
        self.prompts = prompts
        (inputs, mailbox) = AsyncStream.makeStream()
        (wakes, waker) = AsyncStream.makeStream()
        printer = EventPrinter(json: json, live: nil)
    }

    /// Talks with `existing`, or with the run its first line starts, until the person leaves or agentd goes away;
    /// returns the exit code.
    mutating func run(_ existing: RunInfo?) async -> ExitCode {
        let mailbox = mailbox
        let watcher = InterruptWatcher(onEach: { _ in mailbox.yield(.interrupt) })
        defer {
            watcher.stop()
            reader?.cancel()
            feed?.cancel()
            waker.finish()
            mailbox.finish()
        }
        if let existing {
            machine = ChatMachine(run: (existing.id, existing.turns, existing.status))
            introduce(existing)
            follow(existing.id, fromSeq: existing.lastSeq + 1)
        } else if interactive {
            Console.err("agentctl chat: the first line starts a new run; Ctrl-C cancels a turn, Ctrl-D leaves\n")
        }
        if let code = await perform(machine.begin()) { return await leaving(code) }
        for await input in inputs {
            var actions: [ChatMachine.Action]
            switch input {
            case .line(.text(let text)): actions = machine.lineRead(text)
            case .line(.end): actions = machine.inputEnded()
            case .line(.cancelled): actions = machine.readStopped()
            case .interrupt: actions = machine.interrupted()
            case .feedEnded(let reason): return await leaving(feedEnded(reason))
            case .event(let event):
                actions = machine.event(event)
                // Another client's turn: take the prompt line away before its output comes.
                if let index = actions.firstIndex(of: .stopReading) {
                    actions.remove(at: index)
                    _ = await perform([.stopReading])
                }
                await show(event)
            }
            if let code = await perform(actions) { return await leaving(code) }
        }
        return await leaving(.success)
    }

    // MARK: Actions

    /// Carries out `actions` in order; an exit code when the chat is over.
    private mutating func perform(_ actions: [ChatMachine.Action]) async -> ExitCode? {
        var queue = actions
        while !queue.isEmpty {
            let action = queue.removeFirst()
            switch action {
            case .readLine:
                if interactive { diagnostic(style.paint("> ", .bold)) }
                let reader = KeyReader()
                self.reader = reader
                let mailbox = mailbox
                Task { mailbox.yield(.line(await reader.readLine())) }
            case .stopReading:
                reader?.cancel()
                // The prompt and what was typed after it: the terminal keeps the typed text for the next read.
                if interactive { Console.err("\r\u{1B}[2K") }
            case .redrawPrompt:
                if interactive { Console.err("\n" + style.paint("> ", .bold)) }
            case .start(let text):
                do { queue.insert(contentsOf: try await start(text), at: 0) } catch { return error }
            case .prompt(let text):
                do { queue.insert(contentsOf: try await prompt(text), at: 0) } catch { return error }
            case .cancelTurn(let turn):
                await cancel(turn)
            case .cancelPending(let turn):
                diagnostic("agentctl: turn \(turn) is being cancelled; Ctrl-D leaves the chat\n")
            case .turnEnded(let turn, let status):
                await summarize(turn, status)
            case .leave:
                return .success
            }
        }
        return nil
    }

    /// Starts the run with its first turn; throws only when agentd went away (a refusal was shown: read on).
    private mutating func start(_ text: String) async throws(ExitCode) -> [ChatMachine.Action] {
        let params = options.startParams(prompt: text, requestID: UUID().uuidString)
        guard let run = try await sent({ try await $0.call(RunStart.self, params).run }) else {
            return machine.refused()
        }
        startedHere = true
        Console.err("run \(run.id) started (model \(run.model))\n")
        live =
            json || !style.live
            ? nil : LiveView(session: session, runID: run.id, style: style, prompts: prompts && interactive)
        printer = EventPrinter(json: json, live: live)
        follow(run.id, fromSeq: 0)
        return machine.answered(runID: run.id, turn: 1)
    }

    /// Sends the next turn; throws only when agentd went away (a refusal was shown: read on).
    private mutating func prompt(_ text: String) async throws(ExitCode) -> [ChatMachine.Action] {
        guard let runID = machine.runID else { return machine.refused() }
        let requestID = UUID().uuidString
        ownInputIDs.insert("req_" + requestID)
        let params = RunPrompt.Params(runID: runID, text: text, requestID: requestID)
        guard let result = try await sent({ try await $0.call(RunPrompt.self, params) }) else {
            return machine.refused()
        }
        waker.yield()
        return machine.answered(runID: runID, turn: result.turn)
    }

    /// The answer to a request; `nil` when agentd refused it (the reason is shown), thrown when agentd is gone.
    private func sent<T>(_ body: (ControlClient) async throws -> T) async throws(ExitCode) -> T? {
        do {
            return try await session.perform(body)
        } catch let code as ExitCode where code.rawValue == ExitCodes.refused.rawValue {
            return nil
        } catch {
            throw ExitCodes.unreachable
        }
    }

    private func cancel(_ turn: Int) async {
        guard let runID = machine.runID else { return }
        diagnostic("agentctl: cancelling turn \(turn); the chat goes on (Ctrl-D leaves)\n")
        let params = RunCancel.Params(runID: runID, mode: .now, reason: "Ctrl-C in agentctl chat")
        _ = try? await session.perform { try await $0.call(RunCancel.self, params) }
    }

    /// The turn ended: the summary line instead of the ending the renderer held back.
    private mutating func summarize(_ turn: Int, _ status: RunStatus) async {
        await live?.endTurn()
        _ = printer.takeHeldEnding()
        guard let runID = machine.runID else { return }
        var summary = RunSummary(id: runID, status: status, tally: turnTally)
        summary.turn = turn
        let info = try? await session.client.call(RunGet.self, RunGet.Params(runID: runID)).run
        if let counts = info?.turnList?.first(where: { $0.turn == turn }) {
            summary.toolCalls = counts.toolCalls
            summary.inputTokens = counts.inputTokens
            summary.outputTokens = counts.outputTokens
        }
        diagnostic(style.paint(summary.line, status == .completed ? .dim : .red))
    }

    // MARK: Output

    /// Says which run this is and where its conversation stands.
    private mutating func introduce(_ run: RunInfo) {
        let turns = run.turns == 1 ? "1 turn" : "\(run.turns) turns"
        let last = run.lastPrompt.map {
            "; last prompt: " + VisibleText.escaped(String($0.prefix(60)), keepingNewlines: false)
        }
        Console.err("run \(run.id) (model \(run.model)): \(turns), \(run.status.rawValue)\(last ?? "")\n")
        if interactive { Console.err("Ctrl-C cancels a turn, Ctrl-D leaves\n") }
        live =
            json || !style.live
            ? nil : LiveView(session: session, runID: run.id, style: style, prompts: prompts && interactive)
        printer = EventPrinter(json: json, live: live)
    }

    /// Prints one event of the run, with a line for each turn this chat did not type.
    private mutating func show(_ event: LedgerEvent) async {
        switch (event.kind, event.type) {
        case (.run, RunEventType.started), (.run, RunEventType.turnStarted):
            turnTally = RunTally()
            if !json, let opened = opening(event), !opened.own || !interactive {
                let prompt = VisibleText.escaped(opened.prompt, keepingNewlines: false)
                diagnostic("[turn \(opened.turn)] \(prompt)\(opened.own ? "" : " (from another client)")\n")
            }
        default:
            break
        }
        turnTally.add(event)
        do {
            try await printer.print(event)
        } catch {
            diagnostic("agentctl: could not print event \(event.seq): \(error)\n")
        }
    }

    /// The turn an event opens, its prompt, and whether this chat sent it.
    private func opening(_ event: LedgerEvent) -> (turn: Int, prompt: String, own: Bool)? {
        if event.type == RunEventType.turnStarted {
            guard let started = try? JSONCoding.decode(TurnStarted.self, from: event.payload) else { return nil }
            return (started.turn, started.prompt, started.inputID.map(ownInputIDs.contains) ?? false)
        }
        guard let started = try? JSONCoding.decode(RunStarted.self, from: event.payload), !started.prompt.isEmpty
        else { return nil }
        return (1, started.prompt, startedHere)
    }

    /// `text` on stderr, on a line of its own when output is streaming on the terminal.
    private func diagnostic(_ text: String) {
        live?.screen.diagnostic(text) ?? Console.err(text)
    }

    // MARK: The run's events

    /// Feeds the run's events from `fromSeq` into the mailbox until agentd goes away or the chat ends.
    private mutating func follow(_ runID: RunID, fromSeq: Int64) {
        let (session, mailbox, wakes) = (session, mailbox, wakes)
        feed = Task {
            var next = fromSeq
            var wake = wakes.makeAsyncIterator()
            do {
                while !Task.isCancelled {
                    let end = try await session.feed(runID, fromSeq: next, acrossTurns: true) {
                        _ = mailbox.yield(.event($0))
                    }
                    next = end.nextSeq
                    guard end.reason == .runEnded || end.reason == .runNotActive else {
                        mailbox.yield(.feedEnded(end.reason))
                        return
                    }
                    // An agentd before conversations ended the feed with the turn; the next prompt starts one.
                    guard await wake.next() != nil else { return }
                }
            } catch {
                mailbox.yield(.feedEnded(nil))
            }
        }
    }

    /// What the end of the feed means for the chat.
    private func feedEnded(_ reason: AttachEndReason?) -> ExitCode {
        let runID = machine.runID.map(\.rawValue) ?? "RUN"
        switch reason {
        case .detached?:
            return .success
        case .daemonShutdown?:
            diagnostic("agentctl: agentd is stopping; once it is back, go on with: agentctl chat \(runID)\n")
            return ExitCodes.stopped
        default:
            diagnostic(
                "agentctl: lost the connection to agentd (it was stopped or killed); once it is back, go on with: "
                    + "agentctl chat \(runID)\n")
            return ExitCodes.unreachable
        }
    }

    /// The chat is over: erase the live view and, when the person left, say how to come back.
    private mutating func leaving(_ code: ExitCode) async -> ExitCode {
        reader?.cancel()
        await live?.finish()
        if code == .success, let runID = machine.runID {
            if interactive { Console.err("\n") }
            Console.err("agentctl: left the chat; run \(runID) stays: agentctl chat \(runID)\n")
        }
        return code
    }
}
