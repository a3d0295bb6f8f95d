/// Injected user input handed to the upstream with `response.steer` while a response streamed.
///
/// The server answers steers in the order they were sent: `response.steer.accepted` (it owns the input, not yet
/// applied) or `response.steer.failed` (the input comes back). An accepted steer is applied by the successor's
/// `response.created`, or held (`response.steer.pending`) and prepended by the server to the next
/// `response.create` on the same parent. Whatever is unresolved when a chain breaks goes back to
/// ``RunState/pendingInput``, so each input reaches the model exactly once.
public struct SteeringInput: Codable, Hashable, Sendable {
    /// The user message item exactly as it was sent.
    public var item: JSONValue
    /// The server acknowledged it (`response.steer.accepted`).
    public var accepted: Bool
    /// The server holds it for the next `response.create` (`response.steer.pending`).
    public var heldByServer: Bool

    public init(item: JSONValue, accepted: Bool = false, heldByServer: Bool = false) {
        self.item = item
        self.accepted = accepted
        self.heldByServer = heldByServer
    }

    enum CodingKeys: String, CodingKey {
        case item, accepted
        case heldByServer = "held_by_server"
    }
}

/// Names of the steering frames (WebSocket only).
public enum SteerEventType {
    /// The client frame: `{"type":"response.steer","previous_response_id":…,"input":…}`.
    public static let steer = "response.steer"
    public static let accepted = "response.steer.accepted"
    public static let pending = "response.steer.pending"
    public static let failed = "response.steer.failed"
    /// `incomplete_details.reason` of a response ended at a safe boundary to apply steered input.
    public static let steeredReason = "steered"
    /// The `response.steer.failed` code that means the upstream cannot steer at all (queue instead from now on).
    public static let notSupportedCode = "steering_not_supported"
}

extension ControlEventType {
    /// A steer the engine recorded could not be sent (the response had already ended): the input is queued for
    /// the next `response.create` instead.
    public static let inputRequeued = "input.requeued"
}
