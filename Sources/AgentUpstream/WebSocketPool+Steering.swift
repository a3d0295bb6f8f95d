import AgentModel

extension WebSocketPool {
    /// Writes a `response.steer` frame for the response streaming on `ticket`'s lane.
    ///
    /// The steer is counted before the write so that its answer, which may arrive before the write returns, keeps
    /// the response's stream open (see ``SteerHold``).
    func steer(_ frame: String, on ticket: LeaseTicket) async -> SteerSubmission {
        let c = ticket.connection
        guard var response = slots[c].active[ticket.lane], response.ticketID == ticket.id,
            response.steer.acceptsSteers, let writer = slots[c].writer
        else { return .notStreaming }
        response.steer.steerSent()
        slots[c].active[ticket.lane] = response
        do {
            try await writer.write(.text(frame))
            return .sent
        } catch {
            // Re-check after the await: the connection may have ended (and failed the response) meanwhile.
            if var current = slots[c].active[ticket.lane], current.ticketID == ticket.id {
                current.steer.steerNotWritten()
                slots[c].active[ticket.lane] = current
            }
            logger.debug("writing a steer failed", metadata: meta(c, ["upstream.error": "\(error)"]))
            return .notStreaming
        }
    }

    /// Whether `text` is a `response.incomplete` that ended only to apply steered input.
    static func isSteeredIncomplete(_ text: String) -> Bool {
        guard let frame = try? JSONValue.parse(text) else { return false }
        return frame["response"]?["incomplete_details"]?["reason"]?.stringValue == SteerEventType.steeredReason
    }
}
