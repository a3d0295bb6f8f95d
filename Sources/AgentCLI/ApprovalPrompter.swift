import AgentModel
import AgentProtocol

/// Asks the person at the terminal about each call of the followed run that waits for approval:
/// `[y]es / [n]o / [a]lways for this tool`; the answer goes to the daemon through `approval/resolve`.
///
/// "Always" is an allow_always rule recorded in the ledger with the decision (`remember: always`): agentd approves
/// later calls of that tool in this run itself, whoever is attached (`agentctl show` lists the rule).
actor ApprovalPrompter {
    private let session: Session
    private let runID: RunID
    private let screen: LiveScreen
    private var queue: [ApprovalRequested] = []
    private var current: (callID: String, reader: KeyReader)?
    private var working = false
    private var stopped = false

    init(session: Session, runID: RunID, screen: LiveScreen) {
        self.session = session
        self.runID = runID
        self.screen = screen
    }

    /// A call of the run asks for approval (live or replayed; a call decided meanwhile is skipped).
    func offer(_ request: ApprovalRequested) {
        guard !stopped else { return }
        queue.append(request)
        guard !working else { return }
        working = true
        Task { await self.drain() }
    }

    /// Someone decided `callID` (this client or another): drop its prompt.
    func decided(_ callID: String) {
        queue.removeAll { $0.callID == callID }
        if current?.callID == callID { current?.reader.cancel() }
    }

    /// The turn ended: drop the questions about its calls (later turns may ask again).
    func dismiss() {
        queue = []
        current?.reader.cancel()
    }

    /// The follow ended: no more prompts.
    func stop() {
        stopped = true
        queue = []
        current?.reader.cancel()
    }

    private func drain() async {
        while !stopped, !queue.isEmpty {
            let request = queue.removeFirst()
            await handle(request)
        }
        working = false
    }

    private func handle(_ request: ApprovalRequested) async {
        let summary = EventRenderer.summary(name: request.name, arguments: request.arguments)
        // Replays bring requests that were decided long ago: ask only about calls still waiting.
        guard await isWaiting(request.callID) else { return }
        let why = request.reason == .uncertain ? " (its outcome is unknown after a restart; run it again?)" : ""
        let reader = KeyReader()
        current = (request.callID, reader)
        screen.showPrompt("? approve \(summary)\(why)  [y]es / [n]o / [a]lways for this tool: ")
        defer { current = nil }
        while true {
            guard let key = await reader.read() else {
                screen.clearPrompt(leaving: nil)
                return
            }
            switch Character(UnicodeScalar(key)).lowercased() {
            case "y":
                screen.clearPrompt(leaving: "? approve \(summary): yes")
                await resolve(request, approve: true, reason: nil)
                return
            case "n":
                screen.clearPrompt(leaving: "? approve \(summary): no")
                await resolve(request, approve: false, reason: "denied at the terminal")
                return
            case "a":
                screen.clearPrompt(leaving: "? approve \(summary): always for \(request.name)")
                // agentd decides the calls of the tool already queued by the rule; their prompts are dropped then.
                await resolve(request, approve: true, reason: "always approve \(request.name)", remember: .always)
                return
            default:
                continue
            }
        }
    }

    private func isWaiting(_ callID: String) async -> Bool {
        let waiting = try? await session.client.call(ApprovalList.self, ApprovalList.Params(runID: runID)).approvals
        return waiting?.contains { $0.callID == callID } ?? false
    }

    private func resolve(
        _ request: ApprovalRequested, approve: Bool, reason: String?, remember: ApprovalMemory? = nil
    ) async {
        let params = ApprovalResolve.Params(
            runID: runID, callID: request.callID, approve: approve, reason: reason, remember: remember)
        do {
            let result = try await session.client.call(ApprovalResolve.self, params)
            if result.outcome == .alreadyResolved {
                screen.diagnostic(
                    "[approval] \(request.callID) was already \(result.approved ? "approved" : "denied") elsewhere\n")
            }
        } catch {
            screen.diagnostic("agentctl: could not record the decision on \(request.callID): \(error)\n")
        }
    }
}
