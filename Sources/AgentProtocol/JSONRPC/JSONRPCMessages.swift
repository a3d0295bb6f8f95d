/// The protocol marker every message carries.
public let jsonRPCVersion = "2.0"

/// A request: `{"jsonrpc":"2.0","id":…,"method":…,"params":{…}}`.
public struct JSONRPCRequest<Params: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var jsonrpc: String
    public var id: JSONRPCID
    public var method: String
    public var params: Params

    public init(id: JSONRPCID, method: String, params: Params) {
        self.jsonrpc = jsonRPCVersion
        self.id = id
        self.method = method
        self.params = params
    }

    /// A request for `M` with `params`.
    public init<M: ControlMethod>(id: JSONRPCID, _ method: M.Type, _ params: Params) where M.Params == Params {
        self.init(id: id, method: M.name, params: params)
    }
}

/// A notification: a request without an id; nobody answers it.
public struct JSONRPCNotification<Params: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var jsonrpc: String
    public var method: String
    public var params: Params

    public init(method: String, params: Params) {
        self.jsonrpc = jsonRPCVersion
        self.method = method
        self.params = params
    }

    /// A notification of kind `N`.
    public init<N: ControlNotification>(_ notification: N.Type, _ params: Params) where N.Params == Params {
        self.init(method: N.name, params: params)
    }
}

/// A successful response: `{"jsonrpc":"2.0","id":…,"result":{…}}`.
public struct JSONRPCResponse<Result: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var jsonrpc: String
    public var id: JSONRPCID
    public var result: Result

    public init(id: JSONRPCID, result: Result) {
        self.jsonrpc = jsonRPCVersion
        self.id = id
        self.result = result
    }
}

/// An error response; `id` is `null` when the request's id could not be read (e.g. a parse error).
public struct JSONRPCErrorResponse: Codable, Sendable, Equatable {
    public var jsonrpc: String
    public var id: JSONRPCID?
    public var error: ControlError

    public init(id: JSONRPCID?, error: ControlError) {
        self.jsonrpc = jsonRPCVersion
        self.id = id
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case jsonrpc, id, error
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        jsonrpc = try container.decode(String.self, forKey: .jsonrpc)
        id = try container.decodeIfPresent(JSONRPCID.self, forKey: .id)
        error = try container.decode(ControlError.self, forKey: .error)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jsonrpc, forKey: .jsonrpc)
        // JSON-RPC requires the id member on every response, null when unknown.
        if let id { try container.encode(id, forKey: .id) } else { try container.encodeNil(forKey: .id) }
        try container.encode(error, forKey: .error)
    }
}
