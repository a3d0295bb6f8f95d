import AgentModel

/// An error of the control protocol, as carried in a JSON-RPC `error` object.
///
/// `code` is an open set (see ``ControlError/Code``); `message` says what to do; `data` carries optional details.
/// Mapping Swift errors to these is done in one place in the server (`ControlErrorMapping`).
public struct ControlError: Error, Codable, Hashable, Sendable, CustomStringConvertible {
    /// The numeric JSON-RPC error code.
    public var code: Code
    /// A human-readable message that says what went wrong and what to do about it.
    public var message: String
    /// Optional structured details (e.g. the offending field).
    public var data: JSONValue?

    public init(code: Code, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// Whether the same request may succeed if sent again later unchanged.
    public var isRetryable: Bool { code.isRetryable }

    public var description: String { "\(message) (code \(code.rawValue))" }

    enum CodingKeys: String, CodingKey {
        case code, message, data
    }
}

extension ControlError {
    /// A JSON-RPC error code. Standard codes are in -32768…-32000; agentd's own codes are -32001…-32099.
    public struct Code: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: Int

        public init(rawValue: Int) { self.rawValue = rawValue }

        public init(_ rawValue: Int) { self.rawValue = rawValue }

        /// The line is not valid JSON. Not retryable. The connection stays open.
        public static let parseError = Code(-32700)
        /// The JSON is not a valid JSON-RPC 2.0 request. Not retryable.
        public static let invalidRequest = Code(-32600)
        /// No such method. Not retryable.
        public static let methodNotFound = Code(-32601)
        /// A param is missing or has the wrong type or value; the message names the field. Not retryable.
        public static let invalidParams = Code(-32602)
        /// A bug or unexpected failure in the daemon. Retryable at most once.
        public static let internalError = Code(-32603)
        /// A request other than `initialize` came first, or `initialize` came twice. Not retryable as is.
        public static let notInitialized = Code(-32001)
        /// The client speaks another major protocol version. Not retryable.
        public static let unsupportedProtocolVersion = Code(-32002)
        /// No run with that id. Not retryable.
        public static let runNotFound = Code(-32003)
        /// The daemon or this connection is at a limit; retry later with backoff. The only "overloaded" code.
        public static let overloaded = Code(-32004)
        /// The request line exceeds the size limit; the connection is closed. Not retryable.
        public static let requestTooLarge = Code(-32005)
        /// The peer's uid may not use this socket; the connection is closed. Not retryable.
        public static let permissionDenied = Code(-32006)
        /// The ledger cannot commit (disk full, I/O error); retry once the operator fixed it.
        public static let ledgerUnavailable = Code(-32007)
        /// No call with that id waits (or waited) for a decision in that run. Not retryable.
        public static let approvalNotFound = Code(-32008)
        /// The `request_id` was used before with different params (or another method). Not retryable: pick a new
        /// key for a new request.
        public static let idempotencyKeyReused = Code(-32009)

        /// Whether a request that failed with this code may succeed later unchanged.
        public var isRetryable: Bool {
            switch self {
            case .overloaded, .ledgerUnavailable, .internalError: true
            default: false
            }
        }

        public init(from decoder: Decoder) throws {
            rawValue = try decoder.singleValueContainer().decode(Int.self)
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }

        public var description: String { String(rawValue) }
    }
}
