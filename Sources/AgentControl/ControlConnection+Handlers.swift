import AgentModel
import AgentProtocol
import Foundation
import Logging
import NIOCore

import Glibc

/// Something to do right after a response is queued (e.g. start streaming a subscription's events).
typealias AfterResponse = @Sendable () -> Void

extension ControlConnection {
    /// Answers `initialize` (inline, before the next line is read).
    func handleInitialize(id: JSONRPCID, line: Data) -> ByteBuffer {
        let params: Initialize.Params
        do {
            params = try ParamsEnvelope<Initialize.Params>.decode(from: line)
        } catch {
            return WireEncoding.errorLine(id: id, error)
        }
        guard let version = ProtocolVersion(params.protocolVersion), version.major == ProtocolVersion.current.major
        else {
            return WireEncoding.errorLine(id: id, .unsupportedProtocolVersion(params.protocolVersion))
        }
        let identity = ClientIdentity(
            name: params.client.name, version: params.client.version, uid: peer.uid, pid: peer.pid,
            tty: PeerTerminal.name(ofProcess: peer.pid))
        let accepted = state.withLock { state -> Bool in
            guard state.identity == nil else { return false }
            state.identity = identity
            state.logger[metadataKey: "client.name"] = "\(identity.name)"
            state.logger[metadataKey: "client.version"] = "\(identity.version)"
            return true
        }
        guard accepted else { return WireEncoding.errorLine(id: id, .alreadyInitialized) }
        logger.debug("client initialized")
        let result = Initialize.Result(
            protocolVersion: ProtocolVersion.current.description,
            daemon: Initialize.DaemonInfo(version: configuration.daemonVersion),
            capabilities: configuration.capabilities)
        return WireEncoding.line(JSONRPCResponse(id: id, result: result))
    }

    /// Runs one request (after the handshake) and returns its response line.
    func dispatch(id: JSONRPCID, method: String, line: Data, client: ClientIdentity) async -> (
        ByteBuffer, AfterResponse?
    ) {
        switch method {
        case RunStart.name:
            let resultOf: @Sendable (RunState) -> RunStart.Result = { RunStart.Result(run: RunInfo($0)) }
            return await respondIdempotent(RunStart.self, id: id, line: line, client: client, resultOf: resultOf) {
                params, recorder in
                if let gated = params.requireApproval, gated.contains(where: \.isEmpty) {
                    throw ControlError.invalidParams(field: "require_approval", "tool names must not be empty")
                }
                return resultOf(try await self.backend.startRun(params, client: client, recorder: recorder))
            }
        case RunGet.name:
            return await respond(RunGet.self, id: id, line: line) { params in
                try Self.validate(params.runID)
                return (RunGet.Result(run: RunInfo(try await self.backend.runState(params.runID))), nil)
            }
        case RunList.name:
            return await respond(RunList.self, id: id, line: line) { params in (try await self.listRuns(params), nil) }
        case RunAttach.name:
            return await respond(RunAttach.self, id: id, line: line) { params in try await self.attach(params) }
        case RunDetach.name:
            return await respond(RunDetach.self, id: id, line: line) { params in (try self.detach(params), nil) }
        case ToolOutput.name:
            return await respond(ToolOutput.self, id: id, line: line) { params in (try await self.toolOutput(params), nil) }
        case DaemonStatus.name:
            return await respond(DaemonStatus.self, id: id, line: line) { _ in (await self.status(), nil) }
        case DaemonMetrics.name:
            return await respond(DaemonMetrics.self, id: id, line: line) { _ in
                let text = await self.backend.metricsText(connectedClients: self.context.connectionCount())
                return (DaemonMetrics.Result(text: text), nil)
            }
        case RunInput.name, RunCancel.name, RunResume.name, ApprovalList.name, ApprovalResolve.name:
            return await dispatchControlPlane(id: id, method: method, line: line, client: client)
        case RunPrompt.name, RunFork.name:
            return await dispatchConversation(id: id, method: method, line: line, client: client)
        default:
            return (WireEncoding.errorLine(id: id, .methodNotFound(method)), nil)
        }
    }

    func respond<M: ControlMethod>(
        _ method: M.Type, id: JSONRPCID, line: Data,
        _ body: (M.Params) async throws -> (M.Result, AfterResponse?)
    ) async -> (ByteBuffer, AfterResponse?) {
        do {
            let params = try ParamsEnvelope<M.Params>.decode(from: line)
            let (result, after) = try await body(params)
            return (WireEncoding.line(JSONRPCResponse(id: id, result: result)), after)
        } catch {
            let wire = ControlErrorMapping.controlError(from: error)
            if wire.code == .internalError {
                logger.error("request failed", metadata: ["method": "\(M.name)", "error": "\(error)"])
            }
            return (WireEncoding.errorLine(id: id, wire), nil)
        }
    }

    static func validate(_ id: RunID, field: String = "run_id") throws {
        guard RunID.isWellFormed(id.rawValue) else {
            throw ControlError.invalidParams(field: field, "\"\(id.rawValue)\" is not a run id (run_…)")
        }
    }

    private func listRuns(_ params: RunList.Params) async throws -> RunList.Result {
        let limit = params.limit ?? RunList.defaultLimit
        guard (1...RunList.maximumLimit).contains(limit) else {
            throw ControlError.invalidParams(field: "limit", "must be between 1 and \(RunList.maximumLimit)")
        }
        var before: RunID?
        if let cursor = params.cursor {
            let id = RunID(rawValue: cursor)
            try Self.validate(id, field: "cursor")
            before = id
        }
        // Ask for one more than the page to learn whether another page exists.
        let summaries = try await backend.listRuns(limit: limit + 1, before: before)
        let page = Array(summaries.prefix(limit))
        let next = summaries.count > limit ? page.last?.id.rawValue : nil
        return RunList.Result(runs: page.map(RunListEntry.init), nextCursor: next)
    }

    private func attach(_ params: RunAttach.Params) async throws -> (RunAttach.Result, AfterResponse?) {
        try Self.validate(params.runID)
        let modes = [params.fromSeq != nil, params.fromEnd == true, params.last != nil].filter { $0 }.count
        guard modes <= 1 else {
            throw ControlError.invalidParams(field: "from_seq", "give at most one of from_seq, from_end and last")
        }
        if let fromSeq = params.fromSeq, fromSeq < 0 {
            throw ControlError.invalidParams(field: "from_seq", "must be 0 or more")
        }
        if let last = params.last, last < 0 { throw ControlError.invalidParams(field: "last", "must be 0 or more") }
        let active = state.withLock { $0.pumps.count }
        guard active < configuration.maxSubscriptionsPerConnection else {
            throw ControlError.overloaded(
                "more than \(configuration.maxSubscriptionsPerConnection) subscriptions on this connection; detach some"
            )
        }
        let run = try await backend.runState(params.runID)
        var fromSeq = params.fromSeq ?? 0
        if params.fromEnd == true {
            fromSeq = try await backend.lastSeq(params.runID) + 1
        } else if let last = params.last {
            fromSeq = max(0, try await backend.lastSeq(params.runID) + 1 - Int64(last))
        }
        let stream = try await backend.attachBatches(
            params.runID, fromSeq: fromSeq, acrossTurns: params.acrossTurns == true)
        let subscription = state.withLock { state -> String? in
            guard !state.closed else { return nil }
            defer { state.nextSubscription += 1 }
            return "sub_\(state.nextSubscription)"
        }
        guard let subscription else { throw ControlError.overloaded("the connection is closing") }
        queue.register(subscription: subscription, runID: params.runID, fromSeq: fromSeq)
        logger.debug("attached", metadata: ["run.id": "\(params.runID)", "subscription": "\(subscription)"])
        let result = RunAttach.Result(run: RunInfo(run), subscriptionID: subscription)
        // The pump starts only after the response is queued, so the client learns the id before any event.
        return (result, { self.startPump(subscription: subscription, runID: params.runID, stream: stream) })
    }

    private func detach(_ params: RunDetach.Params) throws -> EmptyObject {
        guard queue.end(subscription: params.subscriptionID, reason: .detached) else {
            throw ControlError.subscriptionNotFound(params.subscriptionID)
        }
        let pump = state.withLock { $0.pumps.removeValue(forKey: params.subscriptionID) }
        pump?.cancel()
        return EmptyObject()
    }

    private func status() async -> DaemonStatus.Result {
        let backendStatus = await backend.daemonStatus()
        return DaemonStatus.Result(
            version: configuration.daemonVersion, pid: Int32(getpid()), socketPath: context.socketPath,
            stateDir: backendStatus.stateDir, startedAtMillis: context.startedAtMillis,
            runsActive: backendStatus.runsActive, clients: context.connectionCount(), upstream: backendStatus.upstream,
            tools: backendStatus.tools)
    }
}
