import AgentModel
import Foundation
import Logging
import WSClient

extension WebSocketPool {
    /// The failure of a request whose lease went stale (its connection was replaced, or its idle lane taken over).
    static let staleLease = UpstreamFailure(
        code: .connectionLost,
        message: "the connection or lane behind this lease was replaced; lease again and resend the full context"
    )

    /// Sends `frame` on `ticket`'s lane once the connection has an active slot free (waiting in FIFO order), and
    /// returns the response's frames.
    func send(_ frame: String, on ticket: LeaseTicket) async throws -> AsyncThrowingStream<String, any Error> {
        let c = ticket.connection
        let id = nextWaiterID
        nextWaiterID += 1
        switch scheduler.beginResponse(ticket, waiter: id, now: now) {
        case .stale:
            throw Self.staleLease
        case .busy:
            throw UpstreamLaneError(
                code: .responseInFlight,
                message: "lane \(configuration.laneName(ticket.lane) ?? "default") still has a response in flight"
            )
        case .queued:
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    activations[id] = continuation
                }
            } onCancel: {
                Task { await self.cancelActivation(id) }
            }
            // Re-check after the await: the caller may have been cancelled just as the slot was granted, and the
            // connection may have gone since.
            if Task.isCancelled {
                perform(scheduler.endResponse(connection: c, lane: ticket.lane, now: now))
                throw CancellationError()
            }
            guard scheduler.isCurrent(ticket), scheduler.connections[c].inFlight[ticket.lane] != nil else {
                throw Self.staleLease
            }
        case .proceed:
            break
        }
        guard let writer = slots[c].writer else {
            perform(scheduler.endResponse(connection: c, lane: ticket.lane, now: now))
            throw UpstreamFailure(code: .connectionLost, message: "the connection is not open")
        }
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: String.self)
        // Registered before writing so that no frame of the response can arrive unrouted.
        slots[c].active[ticket.lane] = ActiveResponse(ticketID: ticket.id, continuation: continuation)
        let attempt = slots[c].attempt
        do {
            try await writer.write(.text(frame))
        } catch {
            // Re-check after the await: the connection may have ended (and failed the response) meanwhile.
            if slots[c].attempt == attempt, slots[c].active[ticket.lane]?.ticketID == ticket.id {
                slots[c].active[ticket.lane] = nil
                perform(scheduler.endResponse(connection: c, lane: ticket.lane, now: now))
            }
            if slots[c].attempt == attempt, scheduler.connections[c].phase == .up {
                // The socket is gone: stop granting its lanes now, not only once its reader notices (runs retrying
                // at once would otherwise spin on it).
                slots[c].lastError = "writing a request failed: \(error)"
                perform(scheduler.retire(c, reason: .connectionError, now: now))
            }
            throw UpstreamFailure(code: .connectionLost, message: "writing the request failed: \(error)")
        }
        return stream
    }

    private func cancelActivation(_ id: UInt64) {
        guard scheduler.cancelActivation(id), let activation = activations.removeValue(forKey: id) else { return }
        activation.resume(throwing: CancellationError())
    }

    /// Routes one inbound text frame of connection `c` to the response streaming on its lane.
    func received(_ text: String, header: FrameHeader, connection c: Int, attempt: UInt64) {
        guard slots[c].attempt == attempt, slots[c].writer != nil else { return }
        guard header.type != nil else {
            // Not a JSON event: whichever response it belonged to may now wait for ever for a terminal frame lost in
            // it, so the connection is failed at once (a lying or broken server, or a proxy that cut a frame).
            let excerpt = String(text.prefix(60).unicodeScalars.map { $0.value < 0x20 ? "?" : Character($0) })
            protocolViolation(
                on: c,
                "the server sent a frame that is not a JSON event (\(text.utf8.count) bytes, starting \(excerpt.debugDescription))"
            )
            return
        }
        let lane: Int
        if let streamID = header.streamID {
            guard let index = laneIndex(streamID) else {
                logger.debug("frame for an unknown stream_id dropped", metadata: meta(c, ["upstream.type": "\(header.type ?? "?")"]))
                return
            }
            lane = index
        } else if header.type == UpstreamEventType.error, !header.isConnectionScopedError, configuration.useLanes,
            !header.hasSequenceNumber,
            case .fail(let lanes) = UnattributedErrorRouting.route(framesByLane: slots[c].active.mapValues(\.frames))
        {
            logger.info(
                "error frame without stream_id fails only the responses not yet started",
                metadata: meta(c, ["upstream.error_code": "\(header.errorCode ?? "none")", "upstream.lanes": "\(lanes)"]))
            for lane in lanes { endResponse(onLane: lane, connection: c, with: text) }
            return
        } else if header.isConnectionScopedError
            || (header.type == UpstreamEventType.error && (configuration.useLanes || slots[c].active[0] == nil))
        {
            // An error no lane can own concerns the connection (e.g. the 60-minute limit, possibly unsolicited).
            logger.info(
                "connection-scoped error frame; replacing the connection",
                metadata: meta(c, ["upstream.error_code": "\(header.errorCode ?? "none")"])
            )
            slots[c].lastError = "server error frame: \(header.errorCode ?? "no code")"
            slots[c].plannedClose = header.isConnectionScopedError
            perform(scheduler.retire(c, reason: .connectionError, now: now))
            return
        } else if !configuration.useLanes {
            lane = 0
        } else {
            logger.trace("frame without stream_id dropped", metadata: meta(c, ["upstream.type": "\(header.type ?? "?")"]))
            return
        }
        if slots[c].expectingTrailer.remove(lane) != nil, header.isResponseTerminal {
            // Lanes are FIFO, so this terminal belongs to the response the in-stream error already ended.
            logger.debug("trailing terminal of an errored response dropped", metadata: meta(c, ["upstream.lane": "\(lane)"]))
            return
        }
        guard var response = slots[c].active[lane] else {
            logger.debug("frame for an idle lane dropped", metadata: meta(c, ["upstream.lane": "\(lane)"]))
            return
        }
        response.frames += 1
        if case .terminated = response.continuation.yield(text), !header.isTerminal {
            // The run stopped reading (a cancel, or a response over its limits): nothing buffers its frames. Closing
            // the connection is the only way to stop a response, and it costs the other lanes their chains, so a
            // short tail is let through; a response that goes on (a flood, a trickle) takes the connection down.
            response.discarded += 1
            if response.discarded > Self.abandonedResponseFrameBudget {
                slots[c].lastError = "a response its run abandoned kept streaming (\(response.discarded) frames discarded)"
                logger.warning(
                    "abandoned response still streaming; replacing the connection",
                    metadata: meta(c, ["upstream.lane": "\(lane)"]))
                perform(scheduler.retire(c, reason: .connectionError, now: now))
                return
            }
        }
        let steered = header.type == UpstreamEventType.incomplete && Self.isSteeredIncomplete(text)
        let hardEnd = header.isInStreamError || header.type == UpstreamEventType.failed
        if response.steer.observe(header.type, steeredIncomplete: steered, endsResponseHard: hardEnd) {
            if header.isInStreamError { slots[c].expectingTrailer.insert(lane) }
            response.continuation.finish()
            slots[c].active[lane] = nil
            slots[c].responsesServed += 1
            perform(scheduler.endResponse(connection: c, lane: lane, now: now))
        } else {
            slots[c].active[lane] = response
            scheduler.frameReceived(connection: c, lane: lane, now: now)
        }
    }

    /// Ends the response on `lane` of connection `c` with `frame` as its terminal frame.
    private func endResponse(onLane lane: Int, connection c: Int, with frame: String) {
        guard let response = slots[c].active[lane] else { return }
        response.continuation.yield(frame)
        response.continuation.finish()
        slots[c].active[lane] = nil
        slots[c].responsesServed += 1
        perform(scheduler.endResponse(connection: c, lane: lane, now: now))
    }

    /// Frames of a response its run no longer reads that are discarded before the connection is replaced.
    static let abandonedResponseFrameBudget = 256

    private func laneIndex(_ streamID: String) -> Int? {
        guard configuration.useLanes, streamID.first == "l", let index = Int(streamID.dropFirst()),
            index >= 0, index < configuration.effectiveLanesPerConnection, streamID == "l\(index)"
        else { return nil }
        return index
    }
}
