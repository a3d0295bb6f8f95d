import AgentModel
import Foundation

/// The routing fields of one incoming line, read before the params are decoded into a method's type.
public struct JSONRPCHeader: Hashable, Sendable {
    /// What kind of message the line is.
    public enum Kind: Hashable, Sendable {
        /// A request expecting a response.
        case request(id: JSONRPCID, method: String)
        /// A notification (a method without an id).
        case notification(method: String)
        /// A response to a request the reader sent (`result` or `error`); `id` is nil for `"id": null`.
        case response(id: JSONRPCID?)
    }

    public var kind: Kind
    /// The raw `params` member, if any (for the command log; typed decoding reads the line again).
    public var params: JSONValue?

    public init(kind: Kind, params: JSONValue? = nil) {
        self.kind = kind
        self.params = params
    }

    /// Reads the header of `line`.
    ///
    /// - Returns: the header, or the error to answer with: ``ControlError/Code/parseError`` when the line is not
    ///   JSON, ``ControlError/Code/invalidRequest`` when it is not a JSON-RPC 2.0 message (with the id when one
    ///   could be read, so the error can be correlated).
    public static func parse(_ line: Data) -> Result<JSONRPCHeader, HeaderError> {
        // Foundation's JSON scanner traps on some malformed input (found by 100,000 random lines: a trap while it
        // located an error deep in nested arrays), so only UTF-8 that the depth-limited byte-level parser accepts
        // reaches it.
        guard let text = String(data: line, encoding: .utf8) else {
            return .failure(HeaderError(id: nil, error: .parseError("the line is not valid UTF-8")))
        }
        do {
            _ = try JSONValue.parse(text)
        } catch {
            return .failure(HeaderError(id: nil, error: .parseError("\(error)")))
        }
        let raw: RawHeader
        do {
            raw = try JSONDecoder().decode(RawHeader.self, from: line)
        } catch let DecodingError.typeMismatch(_, context) where context.codingPath.isEmpty {
            return .failure(HeaderError(id: nil, error: .invalidRequest("expected a JSON object")))
        } catch {
            return .failure(HeaderError(id: nil, error: .parseError(DecodingErrorDescription.summary(error))))
        }
        let id: JSONRPCID?
        switch raw.id {
        case .absent, .null: id = nil
        case .value(let value): id = value
        case .invalid:
            return .failure(HeaderError(id: nil, error: .invalidRequest("\"id\" must be an integer or a string")))
        }
        guard raw.jsonrpc == .value(jsonRPCVersion) else {
            return .failure(HeaderError(id: id, error: .invalidRequest("\"jsonrpc\" must be \"2.0\"")))
        }
        switch raw.method {
        case .absent:
            if raw.hasResultOrError { return .success(JSONRPCHeader(kind: .response(id: id))) }
            return .failure(HeaderError(id: id, error: .invalidRequest("expected \"method\", \"result\" or \"error\"")))
        case .null, .invalid, .value(""):
            return .failure(HeaderError(id: id, error: .invalidRequest("\"method\" must be a non-empty string")))
        case .value(let name):
            switch raw.params {
            case .absent, .null, .value(.object): break
            default:
                return .failure(HeaderError(id: id, error: .invalidParams(field: "params", "expected an object")))
            }
            let params: JSONValue? = if case .value(let value) = raw.params { value } else { nil }
            if let id { return .success(JSONRPCHeader(kind: .request(id: id, method: name), params: params)) }
            if case .null = raw.id {
                return .failure(HeaderError(id: nil, error: .invalidRequest("\"id\" must not be null")))
            }
            return .success(JSONRPCHeader(kind: .notification(method: name), params: params))
        }
    }

    /// A line that could not be routed, and the error to answer it with.
    public struct HeaderError: Error, Hashable, Sendable {
        public var id: JSONRPCID?
        public var error: ControlError

        public init(id: JSONRPCID?, error: ControlError) {
            self.id = id
            self.error = error
        }
    }
}

/// A member that may be absent, `null`, of the wrong type, or a value.
enum Member<Value: Decodable & Hashable>: Hashable {
    case absent
    case null
    case invalid
    case value(Value)
}

/// The routing members of a line; the rest (params of a notification, results) is skipped cheaply.
///
/// `params` is read as ``JSONValue`` only for requests' command log; notifications and responses (the hot path
/// of a client reading events) skip it.
struct RawHeader: Decodable {
    var jsonrpc: Member<String>
    var id: Member<JSONRPCID>
    var method: Member<String>
    var params: Member<JSONValue>
    var hasResultOrError: Bool

    enum CodingKeys: String, CodingKey {
        case jsonrpc, id, method, params, result, error
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        jsonrpc = Self.member(container, .jsonrpc)
        id = Self.member(container, .id)
        method = Self.member(container, .method)
        hasResultOrError = container.contains(.result) || container.contains(.error)
        // Only requests carry params worth reading here (notifications and responses are the hot path).
        if case .value = id, case .value = method {
            params = Self.member(container, .params)
        } else {
            params = .absent
        }
    }

    private static func member<T>(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) -> Member<T> {
        guard container.contains(key) else { return .absent }
        if (try? container.decodeNil(forKey: key)) == true { return .null }
        guard let value = try? container.decode(T.self, forKey: key) else { return .invalid }
        return .value(value)
    }
}
