/// The fields of a Responses server event that the reducer reads; every other field is ignored.
///
/// The exact frame is kept in the ledger; this is only a view of it, so new upstream fields never break replay.
public struct UpstreamEvent: Decodable, Sendable {
    public var type: String
    public var sequenceNumber: Int?
    public var streamID: String?
    public var response: UpstreamResponse?
    public var item: JSONValue?
    public var delta: String?
    public var error: UpstreamError?

    enum CodingKeys: String, CodingKey {
        case type
        case sequenceNumber = "sequence_number"
        case streamID = "stream_id"
        case response, item, delta, error
    }

    /// Reads the fields from an already parsed frame.
    public init?(json: JSONValue) {
        guard let type = json["type"]?.stringValue else { return nil }
        self.type = type
        sequenceNumber = json["sequence_number"]?.intValue
        streamID = json["stream_id"]?.stringValue
        response = json["response"].flatMap(UpstreamResponse.init(json:))
        item = json["item"]
        delta = json["delta"]?.stringValue
        error = json["error"].flatMap(UpstreamError.init(json:))
        // A request-scoped error frame carries the HTTP-equivalent status, and for 429s and 5xx the wait the
        // server asks for in a top-level `headers` object (WebSocket frames have no headers of their own).
        if error != nil {
            error?.status = json["status"]?.intValue
            error?.retryAfterMillis = RetryAfter.millis(headers: json["headers"])
        }
    }

    /// Whether this event ends a response: `completed`, `failed`, `incomplete`, legacy `done`, or an `error`.
    public var isTerminal: Bool {
        UpstreamEventType.terminal.contains(type)
    }
}

/// The fields of a Response object that the reducer reads.
public struct UpstreamResponse: Decodable, Sendable {
    public var id: String
    public var status: String?
    public var output: [JSONValue]?
    public var usage: JSONValue?
    public var error: UpstreamError?
    public var incompleteDetails: JSONValue?

    enum CodingKeys: String, CodingKey {
        case id, status, output, usage, error
        case incompleteDetails = "incomplete_details"
    }

    /// Reads the fields from an already parsed Response object.
    public init?(json: JSONValue) {
        guard let id = json["id"]?.stringValue else { return nil }
        self.id = id
        status = json["status"]?.stringValue
        output = json["output"]?.arrayValue
        usage = json["usage"].flatMap { $0 == .null ? nil : $0 }
        error = json["error"].flatMap(UpstreamError.init(json:))
        incompleteDetails = json["incomplete_details"].flatMap { $0 == .null ? nil : $0 }
    }
}

/// The nested error object of an `error` frame or a failed response.
public struct UpstreamError: Codable, Hashable, Sendable {
    public var type: String?
    public var code: String?
    public var message: String?
    public var param: String?
    /// The HTTP-equivalent status of an `error` frame (429, 500, …), when it had one.
    public var status: Int? = nil
    /// The wait the answer's `retry-after-ms`/`retry-after` asked for, in milliseconds.
    public var retryAfterMillis: Int? = nil

    /// The code of the answer to a request larger than the model's context window.
    public static let contextLengthExceeded = "context_length_exceeded"

    /// Reads the fields from an already parsed error object (`nil` for JSON null or a non-object).
    public init?(json: JSONValue) {
        guard case .object = json else { return nil }
        self.init(
            type: json["type"]?.stringValue, code: json["code"]?.stringValue, message: json["message"]?.stringValue,
            param: json["param"]?.stringValue)
    }

    public init(type: String? = nil, code: String? = nil, message: String? = nil, param: String? = nil) {
        self.type = type
        self.code = code
        self.message = message
        self.param = param
    }
}

/// Names of the server event types agentd acts on.
public enum UpstreamEventType {
    public static let created = "response.created"
    public static let inProgress = "response.in_progress"
    public static let completed = "response.completed"
    /// Early WebSocket builds ended responses with `response.done`; treated like `completed`.
    public static let done = "response.done"
    public static let failed = "response.failed"
    public static let incomplete = "response.incomplete"
    public static let error = "error"
    public static let outputTextDelta = "response.output_text.delta"
    public static let outputItemDone = "response.output_item.done"
    public static let outputItemAdded = "response.output_item.added"
    /// A streamed piece of the reasoning summary ("thinking").
    public static let reasoningSummaryDelta = "response.reasoning_summary_text.delta"
    public static let reasoningSummaryPartDone = "response.reasoning_summary_part.done"
    public static let create = "response.create"

    /// Types that end a response.
    public static let terminal: Set<String> = [completed, done, failed, incomplete, error]
}
