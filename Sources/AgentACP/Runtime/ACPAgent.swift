import AgentClient
import AgentModel
import AgentProtocol
import Foundation

/// `agentctl acp`: an Agent Client Protocol agent on the editor's stdio, translating to agentd's control socket.
///
/// The ACP session id is the agentd run id. Requests are served concurrently (a prompt waits for its turn while
/// the editor cancels it or opens other sessions); every line to the editor goes through one ``LineWriter``.
public actor ACPAgent {
    private let configuration: ACPAgentConfiguration
    private let writer: LineWriter
    private let link: DaemonLink
    private var editorName = "acp"
    private var clientCapabilities = ClientCapabilities()
    private var sessions: [String: SessionFollower] = [:]
    private var nextRequestID: Int64 = 1
    private var outgoing: [Int64: CheckedContinuation<Data, any Error>] = [:]

    init(configuration: ACPAgentConfiguration, writer: LineWriter) {
        self.configuration = configuration
        self.writer = writer
        self.link = DaemonLink(socketPath: configuration.socketPath, clientName: "agentctl-acp")
    }

    /// Serves the editor on `input`/`output` until the editor closes its end; returns the exit status.
    public static func serve(configuration: ACPAgentConfiguration, input: Int32 = 0, output: Int32 = 1) async -> Int32 {
        let log = configuration.log
        let writer = LineWriter(
            fd: output, limit: configuration.maxQueuedBytes,
            onOverflow: { bytes in
                log(
                    "agentctl acp: the editor stopped reading (\(bytes) bytes wait on stdout); exiting. "
                        + "Its sessions go on in agentd: load them again.")
                exit(3)
            },
            onClosed: {
                log("agentctl acp: stdout closed; exiting")
                exit(0)
            })
        let agent = ACPAgent(configuration: configuration, writer: writer)
        await agent.run(LineReader.lines(fd: input, maxLineBytes: configuration.maxLineBytes))
        writer.finish()
        return 0
    }

    private func run(_ lines: AsyncStream<InputLine>) async {
        await withTaskGroup(of: Void.self) { group in
            for await line in lines {
                switch line {
                case .tooLong(let bytes):
                    send(
                        JSONRPCErrorResponse(
                            id: nil,
                            error: ControlError(
                                code: .invalidRequest,
                                message:
                                    "a line of \(bytes) bytes is longer than \(configuration.maxLineBytes) bytes; skipped",
                                data: ["limit": .number(Double(configuration.maxLineBytes))])))
                case .line(let data):
                    receive(data, group: &group)
                }
            }
            // The editor closed stdin: it is gone. Runs go on in agentd.
            group.cancelAll()
        }
        for session in sessions.values { await session.close() }
        sessions = [:]
        await link.close()
    }

    private func receive(_ line: Data, group: inout TaskGroup<Void>) {
        switch JSONRPCHeader.parse(line) {
        case .failure(let failure):
            send(JSONRPCErrorResponse(id: failure.id, error: failure.error))
        case .success(let header):
            switch header.kind {
            case .request(let id, let method):
                group.addTask { await self.serve(id: id, method: method, line: line) }
            case .notification(let method):
                group.addTask { await self.notification(method: method, line: line) }
            case .response(let id):
                guard case .number(let number)? = id, let waiter = outgoing.removeValue(forKey: number) else { return }
                waiter.resume(returning: line)
            }
        }
    }

    // MARK: Requests from the editor

    private func serve(id: JSONRPCID, method: String, line: Data) async {
        do {
            switch method {
            case ACPInitialize.name:
                try answer(id, await initialize(try params(ACPInitialize.self, line)))
            case SessionNew.name:
                try answer(id, try await newSession(try params(SessionNew.self, line)))
            case SessionLoad.name:
                let params = try params(SessionLoad.self, line)
                try await follow(try Self.runID(params.sessionId), cwd: params.cwd, history: .replay, servers: params.mcpServers)
                try answer(id, SessionLoad.Result())
            case SessionResume.name:
                let params = try params(SessionResume.self, line)
                try await follow(
                    try Self.runID(params.sessionId), cwd: params.cwd, history: .silent, servers: params.mcpServers ?? [])
                try answer(id, SessionResume.Result())
            case SessionFork.name:
                let params = try params(SessionFork.self, line)
                let fork = try await link.call(
                    RunFork.self,
                    RunFork.Params(runID: try Self.runID(params.sessionId), requestID: "acp-" + UUID().uuidString)
                ).run
                try await follow(fork.id, cwd: params.cwd, history: .silent, servers: params.mcpServers ?? [])
                try answer(id, SessionFork.Result(sessionId: fork.id.rawValue))
            case SessionPrompt.name:
                let params = try params(SessionPrompt.self, line)
                let text = try PromptText.make(params.prompt)
                let session = try self.session(params.sessionId)
                try answer(id, try await session.prompt(text))
            case SessionList.name:
                try answer(id, try await list(try params(SessionList.self, line)))
            case "authenticate":
                // agentd holds the API key: nothing to log in to (no auth methods are offered).
                try answer(id, ACPEmpty())
            case SessionClose.name:
                let params = try params(SessionClose.self, line)
                let session = try self.session(params.sessionId)
                sessions[params.sessionId] = nil
                await session.close()
                try answer(id, SessionClose.Result())
            default:
                throw ControlError(
                    code: .methodNotFound,
                    message: "unknown method \"\(method)\"; agentctl acp serves "
                        + (ACPMethods.requests + ACPMethods.notifications).joined(separator: ", "))
            }
        } catch {
            send(JSONRPCErrorResponse(id: id, error: wireError(error)))
        }
    }

    private func notification(method: String, line: Data) async {
        switch method {
        case SessionCancel.name:
            guard let params = try? ParamsEnvelope<SessionCancel.Params>.decode(from: line),
                let session = sessions[params.sessionId]
            else {
                configuration.log("agentctl acp: session/cancel for a session this editor has not opened; ignored")
                return
            }
            await session.cancel()
        default:
            // Notifications get no answer; unknown ones (extensions) are ignored.
            configuration.log("agentctl acp: ignored notification \(method)")
        }
    }

    private func initialize(_ params: ACPInitialize.Params) async -> ACPInitialize.Result {
        clientCapabilities = params.clientCapabilities ?? ClientCapabilities()
        if let info = params.clientInfo {
            editorName = info.name
            await link.setClientName("acp:" + info.name)
        }
        return ACPInitialize.Result(
            protocolVersion: ACPInitialize.protocolVersion,
            agentCapabilities: AgentCapabilities(
                loadSession: true,
                promptCapabilities: .init(image: false, audio: false, embeddedContext: true),
                mcpCapabilities: .init(http: false, sse: false),
                sessionCapabilities: .init(list: ACPEmpty(), resume: ACPEmpty(), fork: ACPEmpty(), close: ACPEmpty())),
            agentInfo: Implementation(name: "agentd", title: "agentd", version: configuration.version))
    }

    private func newSession(_ params: SessionNew.Params) async throws -> SessionNew.Result {
        guard params.cwd.hasPrefix("/") else {
            throw ControlError.invalidParams(field: "cwd", "must be an absolute path, got \"\(params.cwd)\"")
        }
        noteServers(params.mcpServers)
        // An empty prompt starts a conversation with no turn yet: each session/prompt is a turn (`run/prompt`).
        let started: RunStart.Result
        do {
            started = try await link.call(
                RunStart.self,
                RunStart.Params(
                    prompt: nil, model: configuration.model, cwd: params.cwd,
                    requireApproval: configuration.requireApproval.isEmpty ? nil : configuration.requireApproval,
                    requestID: "acp-" + UUID().uuidString))
        } catch let error as ControlError where error.code == .invalidParams && error.data?["field"] == "prompt" {
            // An agentd from before conversations refuses a run without a prompt.
            throw ControlError(
                code: .internalError,
                message: "this agentd cannot hold a conversation (run/start without a prompt): update agentd; "
                    + "sessions it started from a terminal can still be opened with session/load")
        }
        try await follow(started.run.id, cwd: params.cwd, history: .silent, servers: [])
        return SessionNew.Result(sessionId: started.run.id.rawValue)
    }

    private func follow(_ runID: RunID, cwd: String, history: SessionFollower.History, servers: [MCPServerSpec]) async throws {
        noteServers(servers)
        let follower = SessionFollower(
            runID: runID, link: link, editor: EditorLink(agent: self), history: history,
            contextWindow: configuration.contextWindow, editorName: editorName, log: configuration.log)
        // A session loaded again replaces this editor's earlier view of it.
        let previous = sessions.updateValue(follower, forKey: runID.rawValue)
        if let previous { await previous.close() }
        do {
            try await follower.start()
        } catch {
            if sessions[runID.rawValue] === follower { sessions[runID.rawValue] = nil }
            await follower.close()
            throw error
        }
    }

    private func noteServers(_ servers: [MCPServerSpec]) {
        guard !servers.isEmpty else { return }
        // agentd cannot start an editor's MCP servers per session yet; its configured [[mcp.servers]] are offered.
        configuration.log(
            "agentctl acp: the editor's MCP servers (\(servers.map(\.name).joined(separator: ", "))) are not used; "
                + "configure them in agentd's [[mcp.servers]]")
    }

    private func list(_ params: SessionList.Params) async throws -> SessionList.Result {
        let page = try await link.call(RunList.self, RunList.Params(limit: 50, cursor: params.cursor))
        var sessions: [SessionList.SessionInfo] = []
        for entry in page.runs {
            // The list entry has no cwd; the run has.
            guard let run = try? await link.call(RunGet.self, RunGet.Params(runID: entry.id)).run else { continue }
            if let cwd = params.cwd, run.cwd != cwd { continue }
            let title = ToolPresentation.oneLine(run.prompt)
            sessions.append(
                SessionList.SessionInfo(
                    sessionId: run.id.rawValue, cwd: run.cwd, title: title.isEmpty ? nil : title,
                    updatedAt: Self.iso8601(millis: run.updatedAtMillis)))
        }
        return SessionList.Result(sessions: sessions, nextCursor: page.nextCursor)
    }

    // MARK: Requests to the editor

    fileprivate func request<M: ACPMethod>(_ method: M.Type, _ params: M.Params) async throws -> M.Result {
        let id = nextRequestID
        nextRequestID += 1
        let line = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data, any Error>) in
                outgoing[id] = continuation
                send(JSONRPCRequest(id: .number(id), method: M.name, params: params))
            }
        } onCancel: {
            Task { await self.abandon(id) }
        }
        if let error = try? JSONDecoder().decode(ErrorEnvelope.self, from: line).error { throw error }
        do {
            return try JSONDecoder().decode(ResultEnvelope<M.Result>.self, from: line).result
        } catch {
            let (field, detail) = DecodingErrorDescription.describe(error)
            throw ControlError.invalidParams(field: field, "the editor's answer to \(M.name): \(detail)")
        }
    }

    private func abandon(_ id: Int64) {
        guard let waiter = outgoing.removeValue(forKey: id) else { return }
        waiter.resume(throwing: CancellationError())
        // The editor still shows the question: its answer is no longer needed (a late answer is ignored).
        send(JSONRPCNotification(method: CancelRequest.name, params: CancelRequest.Params(requestId: id)))
    }

    fileprivate nonisolated func notify(_ params: SessionUpdateNotification.Params) {
        send(JSONRPCNotification(method: SessionUpdateNotification.name, params: params))
    }

    // MARK: Helpers

    private func params<M: ACPMethod>(_ method: M.Type, _ line: Data) throws(ControlError) -> M.Params {
        try ParamsEnvelope<M.Params>.decode(from: line)
    }

    private func session(_ id: String) throws -> SessionFollower {
        guard let session = sessions[id] else {
            throw ControlError.invalidParams(
                field: "sessionId", "unknown session \"\(id)\"; open it with session/new, session/load or session/resume")
        }
        return session
    }

    private static func runID(_ id: String) throws(ControlError) -> RunID {
        guard RunID.isWellFormed(id) else {
            throw ControlError.invalidParams(field: "sessionId", "\"\(id)\" is not an agentd session id (run_…)")
        }
        return RunID(rawValue: id)
    }

    private static func iso8601(millis: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }

    private func answer<R: Codable & Sendable & Equatable>(_ id: JSONRPCID, _ result: R) throws {
        send(JSONRPCResponse(id: id, result: result))
    }

    private nonisolated func send<T: Encodable>(_ message: T) {
        do {
            writer.send(try JSONCoding.encodeData(message))
        } catch {
            configuration.log("agentctl acp: cannot encode a message: \(error)")
        }
    }

    /// The error object sent to the editor: agentd's own errors as they are, connection failures with advice.
    private func wireError(_ error: any Error) -> ControlError {
        switch error {
        case let error as ControlError:
            return error
        case let error as ControlClientError:
            return ControlError(
                code: .internalError,
                message: (error.message + ". " + configuration.connectionAdvice(error)).trimmingCharacters(in: .whitespacesAndNewlines),
                data: ["reason": .string(error.code.rawValue)])
        default:
            return ControlError.internalError("\(error)")
        }
    }
}

/// The editor as a session sees it (keeps the agent's request plumbing private).
private struct EditorLink: EditorChannel {
    let agent: ACPAgent

    func notify(_ params: SessionUpdateNotification.Params) {
        agent.notify(params)
    }

    func requestPermission(_ params: RequestPermission.Params) async throws -> RequestPermission.Result {
        try await agent.request(RequestPermission.self, params)
    }
}
