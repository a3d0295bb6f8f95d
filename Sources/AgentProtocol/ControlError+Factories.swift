import AgentModel

extension ControlError {
    /// The line is not JSON.
    public static func parseError(_ detail: String) -> ControlError {
        ControlError(
            code: .parseError,
            message: "parse error: the line is not valid JSON (\(detail)); send one JSON object per line")
    }

    /// The JSON is not a JSON-RPC 2.0 request.
    public static func invalidRequest(_ detail: String) -> ControlError {
        ControlError(code: .invalidRequest, message: "invalid request: \(detail)")
    }

    /// Unknown method.
    public static func methodNotFound(_ method: String) -> ControlError {
        ControlError(
            code: .methodNotFound,
            message:
                "method not found: \(method); known methods: \(ControlMethods.requestNames.joined(separator: ", "))",
            data: ["method": .string(method)]
        )
    }

    /// A param is wrong; `field` is its dotted path.
    public static func invalidParams(field: String, _ detail: String) -> ControlError {
        ControlError(
            code: .invalidParams,
            message: "invalid params: \(field.isEmpty ? "params" : field): \(detail)",
            data: ["field": .string(field)]
        )
    }

    /// Unexpected failure inside the daemon.
    public static func internalError(_ detail: String) -> ControlError {
        ControlError(code: .internalError, message: "internal error: \(detail); see the daemon log")
    }

    /// A request came before `initialize`.
    public static func notInitialized(method: String) -> ControlError {
        ControlError(
            code: .notInitialized,
            message: "not initialized: send \"initialize\" before \"\(method)\""
        )
    }

    /// `initialize` was sent twice on one connection.
    public static let alreadyInitialized = ControlError(
        code: .notInitialized, message: "already initialized: send \"initialize\" once per connection"
    )

    /// The client's protocol major version is not supported.
    public static func unsupportedProtocolVersion(_ requested: String) -> ControlError {
        ControlError(
            code: .unsupportedProtocolVersion,
            message: "unsupported protocol version \(requested): this agentd speaks \(ProtocolVersion.current); "
                + "upgrade the client or the daemon",
            data: ["supported": .string(ProtocolVersion.current.description)]
        )
    }

    /// No run with that id.
    public static func runNotFound(_ id: RunID) -> ControlError {
        ControlError(
            code: .runNotFound, message: "run not found: \(id.rawValue); list runs with \"run/list\"",
            data: ["run_id": .string(id.rawValue)]
        )
    }

    /// No subscription with that id on this connection.
    public static func subscriptionNotFound(_ id: String) -> ControlError {
        invalidParams(field: "subscription_id", "no active subscription \(id) on this connection")
    }

    /// A limit was hit; retry later.
    public static func overloaded(_ detail: String) -> ControlError {
        ControlError(code: .overloaded, message: "overloaded: \(detail); retry later with backoff")
    }

    /// The request line exceeded `limit` bytes.
    public static func requestTooLarge(limit: Int) -> ControlError {
        ControlError(
            code: .requestTooLarge,
            message: "request too large: a line may be at most \(limit) bytes; the connection is closed",
            data: ["limit": .number(Double(limit))]
        )
    }

    /// The peer's uid may not connect.
    public static func permissionDenied(peerUID: UInt32?, daemonUID: UInt32) -> ControlError {
        let who = peerUID.map { "uid \($0)" } ?? "a peer with unknown credentials"
        return ControlError(
            code: .permissionDenied,
            message: "permission denied: \(who) may not use this socket; agentd runs as uid \(daemonUID) "
                + "(add the uid to allowed_uids)",
            data: ["daemon_uid": .number(Double(daemonUID))]
        )
    }

    /// The ledger cannot take writes.
    public static func ledgerUnavailable(_ detail: String) -> ControlError {
        ControlError(
            code: .ledgerUnavailable, message: "ledger unavailable: \(detail); retry once the daemon's disk is healthy")
    }

    /// No call `callID` of `runID` waits for (or got) a decision.
    public static func approvalNotFound(runID: RunID, callID: String) -> ControlError {
        ControlError(
            code: .approvalNotFound,
            message: "approval not found: run \(runID.rawValue) has no call \(callID) waiting for a decision; "
                + "list waiting calls with \"approval/list\"",
            data: ["run_id": .string(runID.rawValue), "call_id": .string(callID)]
        )
    }

    /// `requestID` was used before with other params.
    public static func idempotencyKeyReused(requestID: String, method: String) -> ControlError {
        ControlError(
            code: .idempotencyKeyReused,
            message: "idempotency key reused: request_id \"\(requestID)\" was already used with different parameters "
                + "(\(method)); choose a new request_id for a new request",
            data: ["request_id": .string(requestID)]
        )
    }
}
