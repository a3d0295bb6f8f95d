import AgentModel
import Foundation

extension RunDriver {
    /// Sends the next `response.create` and records every frame of the response.
    func performTurn() async throws {
        do {
            let clock = ContinuousClock()
            let turnStart = clock.now
            let lane = try await usableLane()
            // Time spent waiting on the upstream (a lane, then each frame) is not agentd's overhead.
            var upstreamWait = clock.now - turnStart
            configuration.metrics.leaseWaited(upstreamWait)
            var request = RequestBuilder.createFrame(
                state: state, tools: toolDefinitions, streamID: lane.streamID,
                includeEncryptedReasoning: configuration.includeEncryptedReasoning,
                settings: RequestSettings(configuration: configuration, state: state))
            if let warmUp = try await prewarmIfNeeded(on: lane) { request = request.continuing(from: warmUp) }
            let frame = request.serialized
            // Append, then act: the request is durable before it leaves.
            try await record(.upstreamOut, UpstreamEventType.create, rawPayload: frame, parsed: request, commit: .durable)
            var received = 0
            let sendStart = clock.now
            var frames = try await lane.send(frame).makeAsyncIterator()
            let sentAt = clock.now
            // `send` waits for one of the connection's active slots when it has its maximum of responses in flight.
            upstreamWait += sentAt - sendStart
            var budget = ResponseBudget(limits: configuration.responseLimits)
            while true {
                let waitStart = clock.now
                guard let text = try await frames.next() else { break }
                let arrived = clock.now
                upstreamWait += arrived - waitStart
                // A cancel stops recording at once; dropping `frames` tells the upstream the response is abandoned.
                if cancellation != nil { return }
                if let exceeded = budget.admit(frameBytes: text.utf8.count, elapsed: arrived - sentAt) {
                    logger.warning(
                        "upstream response over its limit; the run fails",
                        metadata: ["upstream.limit": "\(exceeded.code)", "upstream.frames": "\(received)"])
                    try await record(.run, RunEventType.failed, RunEnded(reason: exceeded.reason, code: exceeded.code))
                    return
                }
                if received == 0 { configuration.metrics.firstEventArrived(after: arrived - sentAt) }
                received += 1
                // Parsed once, here; the reducer reads the same value.
                let parsed = try? JSONValue.parse(text)
                let type = parsed?["type"]?.stringValue ?? "unparsable"
                // The terminal frame commits with whatever the engine does next (a tool intent, the next request,
                // the end of the run): one transaction instead of two on the critical path.
                let commit: Commit = UpstreamEventType.terminal.contains(type) ? .withNext : .streamed
                try await record(.upstreamIn, type, rawPayload: text, parsed: parsed, commit: commit)
            }
            try Task.checkCancellation()
            if state.awaitingResponse {
                throw UpstreamFailure(
                    code: .connectionLost, message: "the response stream ended before its terminal event",
                    framesReceived: received)
            }
            if state.lastError == nil { turnAttempts = 0 }
            configuration.metrics.turnFinished(overhead: clock.now - turnStart - upstreamWait)
        } catch let failure as UpstreamFailure {
            try await recover(from: failure)
        }
    }

    /// A lane whose connection still holds this run's chain, or a new one (which restarts the chain).
    private func usableLane() async throws -> any UpstreamLane {
        // `reserve` also keeps the pool from giving the lane to another run before this turn's request is sent.
        if let lane, await lane.reserve() { return lane }
        if let stale = lane {
            lane = nil
            await stale.release()
        }
        let fresh = try await upstream.lease(for: id)
        lane = fresh
        if state.chainIntact {
            // The server's continuation cache lives in the old connection's memory.
            try await record(
                .run, RunEventType.chainReset, ChainReset(reason: "new upstream connection"), commit: .withNext)
        }
        return fresh
    }

    /// After a dropped connection: never replay the request as is; rebuild it from the ledger.
    private func recover(from failure: UpstreamFailure) async throws {
        if failure.code == .shutdown { throw CancellationError() }
        turnAttempts += 1
        configuration.metrics.turnRetried()
        logger.warning(
            "upstream turn failed", metadata: ["error": "\(failure)", "attempt": "\(turnAttempts)"])
        if let stale = lane {
            lane = nil
            await stale.release()
        }
        guard turnAttempts < configuration.maxTurnAttempts else {
            try await record(.run, RunEventType.failed, RunEnded(reason: failure.message, code: failure.code.rawValue))
            return
        }
        try await Task.sleep(for: .milliseconds(UpstreamRetryPolicy.backoffMillis(attempt: turnAttempts)))
        try await record(.run, RunEventType.chainReset, ChainReset(reason: failure.description), commit: .withNext)
    }

    /// Reacts to an `error` frame or a failed response, as ``UpstreamRetryPolicy`` decides.
    func handleUpstreamError(_ error: UpstreamError) async throws {
        turnAttempts += 1
        let reason = error.message ?? error.code ?? "upstream error"
        let decision = UpstreamRetryPolicy.decide(
            error, attempt: turnAttempts, maxAttempts: configuration.maxTurnAttempts, jitter: Double.random(in: 0..<1))
        switch decision {
        case .restartChain:
            try await record(.run, RunEventType.chainReset, ChainReset(reason: reason), commit: .withNext)
        case .retryAfter(let milliseconds):
            // Recorded before the wait, so `agentctl status`/`show` can say what the run waits for and until when.
            let wait = RetryScheduled(
                code: error.code, message: reason, delayMillis: milliseconds, attempt: turnAttempts,
                serverAsked: error.retryAfterMillis != nil)
            try await record(.run, RunEventType.retryScheduled, wait)
            try await Task.sleep(for: .milliseconds(milliseconds))
            try await record(.run, RunEventType.chainReset, ChainReset(reason: reason), commit: .withNext)
        case .fail:
            try await record(.run, RunEventType.failed, RunEnded(reason: reason, code: error.code))
        }
    }

    /// Runs one tool call between its two journal entries.
    func runTool(_ call: ToolCallRecord) async throws {
        if cancellation != nil { return }
        let started = ToolStarted(
            callID: call.callID, name: call.name, arguments: call.arguments, cwd: state.cwd,
            kind: call.kind == .function ? nil : call.kind)
        try await record(.tool, ToolEventType.started, started)
        let toolStart = ContinuousClock.now
        let outcome = await tools.execute(
            ToolInvocation(
                callID: call.callID, name: call.name, arguments: call.arguments, cwd: state.cwd, kind: call.kind))
        configuration.metrics.toolCall(call.name, ContinuousClock.now - toolStart)
        if Task.isCancelled && cancellation == nil {
            // The daemon is stopping, not the user. Killed before it finished is not the same as never started: a
            // call that may have had its effect stays `running` in the ledger, exactly as after a crash, so the
            // resumed run asks a person (reason `uncertain`). Only an idempotent call is handed back to run again.
            if tools.isIdempotent(call.name) {
                let reason = "agentd stopped and killed the call before it finished; the tool is idempotent, so it runs again"
                try await record(
                    .tool, ToolEventType.abandoned, ToolAbandoned(callID: call.callID, reason: reason), commit: .withNext)
            }
            throw CancellationError()
        }
        var finished = ToolFinished(
            callID: call.callID, exitCode: outcome.exitCode, durationMillis: outcome.durationMillis,
            output: outcome.output, timedOut: outcome.timedOut, truncatedBytes: outcome.truncatedBytes)
        // A `cancel --now` ends the call by cancelling this task: killed by us, which `show` says.
        if Task.isCancelled && cancellation != nil { finished.cancelled = true }
        let fullOutput = finished.attachFullOutput(of: outcome)
        // Committed together with the next request (which is appended durably before it is sent).
        try await record(.tool, ToolEventType.finished, finished, blobs: fullOutput, commit: .withNext)
    }

}
