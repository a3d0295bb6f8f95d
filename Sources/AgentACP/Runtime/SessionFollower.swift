import AgentClient
import AgentModel
import AgentProtocol
import Foundation

/// One session as one editor follows it: attached to the run's events, translated to `session/update`s, with
/// the prompts waiting for their turn's end and the permission requests this editor has open.
///
/// History before the attach (everything up to the run's `last_seq` when following began) is either sent (a
/// `session/load` replay) or only folded into the translator (`session/new`, `resume`, `fork`); either way no
/// permission is asked for a decision the history already holds. Calls still waiting when the history ends are
/// asked for then.
actor SessionFollower {
    /// Whether history is sent to the editor.
    enum History {
        case replay
        case silent
    }

    let runID: RunID
    private let link: DaemonLink
    private let editor: any EditorChannel
    private let history: History
    private let log: @Sendable (String) -> Void
    private var translator: UpdateTranslator
    private var nextSeq: Int64 = 0
    /// The last seq of the history (events up to it were committed before following began); nil until attached.
    private var historyEnd: Int64?
    private var following: Task<Void, Never>?
    private var subscription: (ControlClient, String)?
    private var closed = false
    /// `session/prompt`s in progress (following goes on while any waits).
    private var pendingPrompts = 0
    private var endedTurns: [Int: TurnEnd] = [:]
    private var turnWaiters: [Int: [CheckedContinuation<TurnEnd, Never>]] = [:]
    private var caughtUpWaiters: [CheckedContinuation<Void, any Error>] = []
    /// Calls that waited when the history ended, asked for once it has been read.
    private var waitingInHistory: [String: PermissionNeed] = [:]
    private var permissionTasks: [String: Task<Void, Never>] = [:]
    /// Prompts this editor sent whose user message it already shows (not echoed back).
    private var ownPrompts: [String] = []
    /// The editor's name, for the reasons recorded with its decisions.
    private let editorName: String

    init(
        runID: RunID, link: DaemonLink, editor: any EditorChannel, history: History, contextWindow: Int,
        editorName: String, log: @escaping @Sendable (String) -> Void
    ) {
        self.runID = runID
        self.link = link
        self.editor = editor
        self.history = history
        self.translator = UpdateTranslator(contextWindow: contextWindow)
        self.editorName = editorName
        self.log = log
    }

    // MARK: Requests

    /// Starts following (if not already) and returns once the history has been read (and, for a replay, sent).
    func start() async throws {
        ensureFollowing()
        if let historyEnd, nextSeq > historyEnd { return }
        try await withCheckedThrowingContinuation { caughtUpWaiters.append($0) }
    }

    /// Sends `text` as a new turn (or as input to the running one) and waits for that turn's end.
    func prompt(_ text: String) async throws -> SessionPrompt.Result {
        pendingPrompts += 1
        defer { pendingPrompts -= 1 }
        ensureFollowing()
        ownPrompts.append(text)
        let result: RunPrompt.Result
        do {
            result = try await link.call(
                RunPrompt.self, RunPrompt.Params(runID: runID, text: text, requestID: "acp-" + UUID().uuidString))
        } catch {
            ownPrompts.removeAll { $0 == text }
            throw error
        }
        switch await turnEnd(result.turn) {
        case .stopped(let reason, let usage): return SessionPrompt.Result(stopReason: reason, usage: usage)
        case .failed(let message): throw ControlError(code: .internalError, message: message)
        }
    }

    /// Cancels the running turn now (`run/cancel`, mode `now`): the waiting prompt then answers `cancelled`.
    func cancel() async {
        do {
            _ = try await link.call(
                RunCancel.self,
                RunCancel.Params(
                    runID: runID, mode: .now, reason: "cancelled in \(editorName) (ACP session/cancel)",
                    requestID: "acp-" + UUID().uuidString))
        } catch {
            // Nothing running (the turn ended first) is not an error the editor can act on: a notification has no answer.
            log("agentctl acp: session/cancel of \(runID): \(error)")
        }
    }

    /// Stops following: the subscription is detached and open permission requests are dropped.
    func close() async {
        closed = true
        following?.cancel()
        following = nil
        for task in permissionTasks.values { task.cancel() }
        permissionTasks = [:]
        if let (client, id) = subscription {
            subscription = nil
            try? await client.detach(subscriptionID: id)
        }
        failWaiters("the session was closed")
    }

    // MARK: Following

    private func ensureFollowing() {
        guard following == nil, !closed else { return }
        following = Task { await self.follow() }
    }

    /// Follows the run until the session closes: reattaches from `nextSeq` after every cut (a slow read, agentd
    /// restarting, a connection agentd closed), and stops when the run has no driver and nothing waits for it (the
    /// next prompt starts following again). A prompt still waiting after 30 s without any event and without an
    /// attachment fails.
    private func follow() async {
        var delay = Duration.milliseconds(100)
        var quietSince = ContinuousClock.now
        while !closed && !Task.isCancelled {
            var endReason: AttachEndReason?
            do {
                let (client, attached) = try await link.attach(RunAttach.Params(runID: runID, fromSeq: nextSeq))
                subscription = (client, attached.subscriptionID)
                delay = .milliseconds(100)
                if historyEnd == nil {
                    historyEnd = attached.run.lastSeq
                    caughtUpIfDone()
                }
                for try await item in attached.events {
                    switch item {
                    case .event(let event):
                        quietSince = .now
                        await handle(event)
                    case .ended(let reason, let next):
                        nextSeq = max(nextSeq, next)
                        endReason = reason
                    }
                }
            } catch {
                // Not connected (agentd restarting, or it closed the connection): try again below.
                if !closed { log("agentctl acp: following \(runID): \(error)") }
            }
            subscription = nil
            if closed || endReason == .detached { break }
            if endReason == .slowConsumer { continue }
            if !somethingWaits && (endReason == .runEnded || endReason == .runNotActive) { break }
            if somethingWaits && ContinuousClock.now - quietSince > .seconds(30) {
                failWaiters("agentd has not streamed \(runID) for 30 s (\(endReason?.rawValue ?? "not connected"))")
                quietSince = .now
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
        following = nil
    }

    private var somethingWaits: Bool {
        pendingPrompts > 0 || !turnWaiters.isEmpty || !caughtUpWaiters.isEmpty
    }

    private func handle(_ event: LedgerEvent) async {
        guard event.seq >= nextSeq else { return }
        nextSeq = event.seq + 1
        let inHistory = historyEnd.map { event.seq <= $0 } ?? false
        let send = !inHistory || history == .replay
        for output in translator.apply(event) {
            switch output {
            case .update(let update):
                if case .userMessageChunk(.text(let text)) = update, !inHistory,
                    let index = ownPrompts.firstIndex(of: text)
                {
                    ownPrompts.remove(at: index)
                    continue
                }
                if send { editor.notify(SessionUpdateNotification.Params(sessionId: runID.rawValue, update: update)) }
            case .turnStarted: break
            case .permissionNeeded(let need):
                if inHistory { waitingInHistory[need.callID] = need } else { ask(need) }
            case .approvalSettled(let callID, _):
                waitingInHistory[callID] = nil
                permissionTasks.removeValue(forKey: callID)?.cancel()
            case .turnEnded(let turn, let end):
                endedTurns[turn] = end
                for waiter in turnWaiters.removeValue(forKey: turn) ?? [] { waiter.resume(returning: end) }
            }
        }
        caughtUpIfDone()
    }

    private func caughtUpIfDone() {
        guard let historyEnd, nextSeq > historyEnd else { return }
        let waiters = caughtUpWaiters
        caughtUpWaiters = []
        for waiter in waiters { waiter.resume() }
        let waiting = waitingInHistory.values.sorted { $0.callID < $1.callID }
        waitingInHistory = [:]
        for need in waiting { ask(need) }
    }

    private func turnEnd(_ turn: Int) async -> TurnEnd {
        if let end = endedTurns[turn] { return end }
        // Following may have stopped while the prompt was sent (the run had no driver yet).
        ensureFollowing()
        return await withCheckedContinuation { turnWaiters[turn, default: []].append($0) }
    }

    private func failWaiters(_ message: String) {
        let turns = turnWaiters
        turnWaiters = [:]
        for waiter in turns.values.joined() { waiter.resume(returning: .failed(message)) }
        let loads = caughtUpWaiters
        caughtUpWaiters = []
        for waiter in loads { waiter.resume(throwing: ControlError(code: .internalError, message: message)) }
    }

    // MARK: Permissions

    private func ask(_ need: PermissionNeed) {
        guard permissionTasks[need.callID] == nil else { return }
        let params = RequestPermission.Params(
            sessionId: runID.rawValue, toolCall: need.toolCall, options: PermissionOption.standard(tool: need.tool))
        permissionTasks[need.callID] = Task {
            do {
                let answer = try await self.editor.requestPermission(params)
                await self.decided(need, answer.outcome)
            } catch {
                // Cancelled (decided elsewhere, or the session closed), or the editor answered with an error.
                if !(error is CancellationError) { self.log("agentctl acp: permission request failed: \(error)") }
            }
        }
    }

    private func decided(_ need: PermissionNeed, _ outcome: RequestPermission.Outcome) async {
        guard outcome.outcome == "selected", let id = outcome.optionId, let kind = PermissionOption.Kind(rawValue: id)
        else { return }  // cancelled: the turn is being cancelled, the call is not decided
        let approve = kind == .allowOnce || kind == .allowAlways
        // An always-option is a rule in the ledger: agentd decides the tool's later calls (and the ones asked
        // about with this one) itself, for every client of the run.
        let remember: ApprovalMemory = kind == .allowAlways || kind == .rejectAlways ? .always : .once
        await resolve(need, approve: approve, reason: "\(kind.rawValue) in \(editorName)", remember: remember)
    }

    private func resolve(_ need: PermissionNeed, approve: Bool, reason: String, remember: ApprovalMemory) async {
        do {
            // The id makes a repeat harmless; another client's earlier decision wins (`already_resolved`), and the
            // editor sees that decision as a tool_call_update from the ledger.
            _ = try await link.call(
                ApprovalResolve.self,
                ApprovalResolve.Params(
                    runID: runID, callID: need.callID, approve: approve, reason: reason,
                    requestID: "acp-" + UUID().uuidString, remember: remember == .always ? .always : nil))
        } catch {
            log("agentctl acp: approval/resolve of \(need.callID) in \(runID): \(error)")
        }
        permissionTasks[need.callID] = nil
    }
}
