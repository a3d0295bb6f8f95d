import AgentClient
import AgentModel
import AgentProtocol
import ArgumentParser

extension Session {
    /// Follows a run from `fromSeq` until it ends (or agentd goes away, or the person presses Ctrl-C), then prints
    /// one summary line, and returns the exit code that reports how it ended.
    ///
    /// On a terminal (and without `json`) it draws live: spinners, and approval prompts when `prompts` is set and
    /// stdin is a terminal too. Cut off as a slow client, it reattaches where it stopped.
    /// - Parameter logLines: print each event as `agentctl log` does (``LogLine``) instead of rendering the run.
    func followAndReport(
        _ runID: RunID, fromSeq: Int64, json: Bool, logLines: Bool = false, prompts: Bool = false
    ) async throws -> ExitCode {
        let style = TerminalStyle.detect()
        let live =
            json || logLines || !style.live
            ? nil : LiveView(session: self, runID: runID, style: style, prompts: prompts && KeyReader.stdinIsTerminal)
        let following = Task {
            try await self.follow(runID, fromSeq: fromSeq, json: json, logLines: logLines, live: live)
        }
        let watcher = InterruptWatcher { following.cancel() }
        defer { watcher.stop() }
        let result = await following.result
        await live?.finish()
        if watcher.count > 0 { return await detachedByUser(runID, watcher, onNewLine: live != nil) }
        let (end, tally) = try result.get()
        switch end {
        case .detached:
            return .success
        case .interruptedByUser:
            return await detachedByUser(runID, watcher, onNewLine: live != nil)
        case .connectionLost:
            Console.err(
                "agentctl: lost the connection to agentd (it was stopped or killed); run \(runID) goes on when agentd "
                    + "starts again: agentctl attach \(runID)\n")
            return ExitCodes.unreachable
        case .daemonStopping where tally.endStatus == nil:
            Console.err(
                "agentctl: agentd is stopping; run \(runID) is interrupted: once agentd is back, resume it with: "
                    + "agentctl resume \(runID)\n")
            return ExitCodes.stopped
        case .daemonStopping, .run:
            let info = try? await client.call(RunGet.self, RunGet.Params(runID: runID)).run
            let status = tally.endStatus ?? info?.status ?? .interrupted
            var summary = info.map(RunSummary.init) ?? RunSummary(id: runID, status: status, tally: tally)
            summary.status = status
            Console.err(style.paint(summary.line, status == .completed ? .dim : .red))
            return ExitCodes.forRun(status)
        }
    }

    /// The person pressed Ctrl-C: the run goes on; a second Ctrl-C within a second offers to cancel it.
    /// - Parameter onNewLine: the live view erased its status line, so the cursor is at the start of a line.
    private func detachedByUser(_ runID: RunID, _ watcher: InterruptWatcher, onNewLine: Bool) async -> ExitCode {
        Console.err((onNewLine ? "" : "\n") + "agentctl: detached; the run continues: agentctl attach \(runID)\n")
        guard await watcher.wait(untilCount: 2, timeout: .seconds(1)) else { return ExitCodes.detached }
        guard KeyReader.stdinIsTerminal else {
            Console.err("agentctl: cancel it with: agentctl cancel \(runID)\n")
            return ExitCodes.detached
        }
        // `\r`: over the `^C` the terminal echoed for the second Ctrl-C.
        Console.err("\rcancel run \(runID)? [y/N] ")
        let key = await KeyReader().read()
        guard let key, Character(UnicodeScalar(key)).lowercased() == "y" else {
            Console.err("no\nagentctl: not cancelled; the run continues: agentctl attach \(runID)\n")
            return ExitCodes.detached
        }
        Console.err("yes\n")
        let params = RunCancel.Params(runID: runID, mode: .now, reason: "cancelled with Ctrl-C at agentctl")
        do {
            let info = try await client.call(RunCancel.self, params).run
            Console.err(info.status == .cancelled ? "run \(runID) cancelled\n" : "run \(runID): cancel requested\n")
            return ExitCodes.stopped
        } catch let error as ControlError {
            Console.err("agentctl: \(VisibleText.escaped(error.message))\n")
            return ExitCodes.refused
        } catch {
            Console.err("agentctl: could not cancel \(runID): \(error)\n")
            return ExitCodes.unreachable
        }
    }

    /// Renders the run's events until the feed ends; says why it ended and what the events said.
    private func follow(
        _ runID: RunID, fromSeq: Int64, json: Bool, logLines: Bool, live: LiveView?
    ) async throws -> (FollowEnd, RunTally) {
        var printer = EventPrinter(json: json, logLines: logLines, live: live)
        var tally = RunTally()
        let end = try await feed(runID, fromSeq: fromSeq) { event in
            tally.add(event)
            try await printer.print(event)
        }
        if Task.isCancelled { return (.interruptedByUser, tally) }
        switch end.reason {
        case .detached?:
            return (.detached, tally)
        case .daemonShutdown?:
            return (.daemonStopping, tally)
        case nil:
            return (.connectionLost, tally)
        default:
            // run_ended, run_not_active, or a reason this agentctl does not know: the run's state says.
            return (.run(tally.endStatus ?? .interrupted), tally)
        }
    }

    /// Hands the run's events from `fromSeq` to `body` until the feed ends (reattaching where it stopped when cut
    /// off as a slow client) or the task is cancelled; returns why it ended (`nil`: the connection closed without
    /// an end marker) and the first seq not delivered.
    ///
    /// - Parameter acrossTurns: follow the conversation's next turns too (`agentctl chat`), rather than end with
    ///   the turn.
    func feed(
        _ runID: RunID, fromSeq: Int64, acrossTurns: Bool = false, _ body: (LedgerEvent) async throws -> Void
    ) async throws -> (reason: AttachEndReason?, nextSeq: Int64) {
        var next = fromSeq
        while true {
            var params = RunAttach.Params(runID: runID, fromSeq: next)
            params.acrossTurns = acrossTurns ? true : nil
            let subscription = try await perform { [params] in try await $0.attach(params) }
            var endReason: AttachEndReason?
            do {
                for try await item in subscription.events {
                    switch item {
                    case .event(let event):
                        next = event.seq + 1
                        try await body(event)
                    case .ended(let reason, let nextSeq):
                        endReason = reason
                        next = nextSeq
                    }
                }
            } catch is ControlClientError {
                endReason = nil
            }
            if Task.isCancelled { return (endReason, next) }
            switch endReason {
            case .slowConsumer?:
                continue
            case .ledgerUnreadable?:
                Console.err(
                    "agentctl: agentd could not read \(runID)'s events from seq \(next) (see its log); "
                        + "continue with `agentctl attach \(runID) --from \(next)`\n")
                throw ExitCodes.failed
            default:
                return (endReason, next)
            }
        }
    }
}
