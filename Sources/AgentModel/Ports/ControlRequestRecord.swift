/// The stored outcome of a control request that carried an idempotency key (`request_id`).
///
/// Keyed by the peer's uid and the key (Stripe scopes keys per account; here the kernel-reported uid is the
/// account). `method` and `paramsHash` identify the request, so a repeat with other params can be refused;
/// `result` is the JSON text of the result object answered the first time.
public struct ControlRequestRecord: Codable, Hashable, Sendable {
    /// The peer uid the kernel reported for the connection that sent the request.
    public var uid: UInt32
    /// The client-chosen idempotency key.
    public var requestID: String
    /// The control method, e.g. `run/start`.
    public var method: String
    /// A hash (hex SHA-256) of the request's canonical params.
    public var paramsHash: String
    /// The result object answered the first time, as JSON text.
    public var result: String
    /// When the request was recorded (wall clock, ms since 1970); records expire from this.
    public var createdAtMillis: Int64

    public init(
        uid: UInt32, requestID: String, method: String, paramsHash: String, result: String,
        createdAtMillis: Int64
    ) {
        self.uid = uid
        self.requestID = requestID
        self.method = method
        self.paramsHash = paramsHash
        self.result = result
        self.createdAtMillis = createdAtMillis
    }
}
