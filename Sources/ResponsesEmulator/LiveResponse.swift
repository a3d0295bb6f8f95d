/// A steer the emulator accepted for a streaming response.
struct AcceptedSteer: Sendable {
    /// `steer_…`
    var id: String
    /// The target response.
    var previousResponseID: String
    /// The normalized input items (user messages).
    var items: [JSONValue]
}

/// A response while it streams on a WebSocket lane: what steering needs to know about it.
struct LiveResponse: Sendable {
    /// `resp_…`
    var id: String
    /// The requested model (a model ending in `-nosteer` refuses steering).
    var model: String
    /// The request asked for automatic compaction (`context_management`), which rules out steering.
    var compacting = false
    /// Steers received and not yet announced with `response.steer.accepted`.
    var queued: [AcceptedSteer] = []
    /// Steers announced and not yet applied.
    var accepted: [AcceptedSteer] = []
    /// Steers that targeted this response, refused ones included.
    var steersReceived = 0
    /// The `sequence_number` of the response's next event (steer events are numbered with the response's).
    var nextSequence = 0

    /// The most steers a response holds at once (`too_many_pending_steers` beyond).
    static let maxSteers = 8

    var steerCount: Int { queued.count + accepted.count }
}

/// Steered input held after `response.steer.pending`: the server prepends it to the next `response.create` that
/// continues from `parentID` on the same lane.
struct HeldSteers: Sendable {
    var parentID: String
    var items: [JSONValue]
}
