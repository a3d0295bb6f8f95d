import Hummingbird
import Logging

/// The plain HTTP endpoints: `POST /v1/responses` (SSE or JSON), `GET /v1/responses/{id}`, and the answer to a
/// `GET /v1/responses` that is not (or may not be) upgraded.
struct HTTPRoutes {
    let engine: ResponseEngine
    let logger: Logger
    let outage: EmulatorOutage

    func register(on router: Router<EmulatorRequestContext>) {
        router.post("/v1/responses") { request, context in
            if outage.isActive { return Self.error(EmulatorOutage.unavailable) }
            return try await self.create(request, context: context)
        }
        CompactRoute(engine: engine, outage: outage).register(on: router)
        router.get("/v1/responses/{id}") { request, context in
            if outage.isActive { return Self.error(EmulatorOutage.unavailable) }
            if let failure = self.authorizationFailure(request) { return failure }
            let id = context.parameters.get("id") ?? ""
            guard let record = self.engine.store.get(id) else {
                return Self.json(
                    EmulatorError(
                        status: 404,
                        type: "invalid_request_error",
                        code: nil,
                        message: "Response with id '\(id)' not found.",
                        param: nil
                    ).httpBody,
                    status: 404
                )
            }
            return Self.json(record.responseObject, status: 200)
        }
        router.get("/v1/responses") { request, _ in
            if outage.isActive { return Self.error(EmulatorOutage.unavailable) }
            if let failure = self.authorizationFailure(request) { return failure }
            return Self.error(.upgradeRequired)
        }
        // Not part of the OpenAI API: lets tests in another process see what the emulator received.
        router.get("/emulator/recording") { _, _ in
            Self.json(self.recording(), status: 200)
        }
        // Not part of the OpenAI API: starts an outage of `ms` milliseconds (see ``EmulatorOutage``).
        // Not part of the OpenAI API: the next `count` requests get 429 with `retry-after-ms` (see
        // ``EmulatorRateLimits``).
        router.post("/emulator/rate-limit") { request, _ in
            guard let count = request.uri.queryParameters.get("count", as: Int.self), count > 0,
                let ms = request.uri.queryParameters.get("retry_after_ms", as: Int.self), ms >= 0
            else {
                return Self.json(
                    .object([("error", .string("give the storm as ?count=N&retry_after_ms=M (N > 0, M >= 0)"))]),
                    status: 400)
            }
            self.engine.rateLimits.begin(count: count, retryAfterMillis: ms)
            return Self.json(.object([("count", .int(count)), ("retry_after_ms", .int(ms))]), status: 200)
        }
        router.post("/emulator/outage") { request, _ in
            guard let ms = request.uri.queryParameters.get("ms", as: Int.self), ms > 0 else {
                return Self.json(.object([("error", .string("give the outage length as ?ms=N (N > 0)"))]), status: 400)
            }
            self.outage.begin(for: .milliseconds(ms))
            return Self.json(.object([("outage_ms", .int(ms))]), status: 200)
        }
    }

    /// Every WebSocket connection with the text frames it received, and every invariant violation.
    private func recording() -> JSONValue {
        let recorder = engine.recorder
        let connections = recorder.connections().map { connection -> JSONValue in
            .object([
                ("id", .number(Double(connection.id))),
                ("inbound", .array(connection.inboundFrames.map { .string($0) })),
                ("outbound_count", .number(Double(connection.outboundFrames.count))),
            ])
        }
        return .object([
            ("connections", .array(connections)),
            ("http_requests", .number(Double(recorder.httpRequests().count))),
            ("violations", .array(recorder.violations().map { .string($0) })),
            ("rate_limited", .int(engine.rateLimits.rejected)),
            ("outage_refused_upgrades_ms", .array(outage.refusedUpgrades().map { .number($0 / .milliseconds(1)) })),
        ])
    }

    private func create(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        let body = String(buffer: buffer)
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = name == "authorization" ? "Bearer <redacted>" : field.value
        }
        engine.recorder.recordHTTP(
            RecordedHTTPRequest(method: "POST", path: request.uri.path, headers: headers, body: body)
        )
        if let failure = authorizationFailure(request) { return failure }

        let json: JSONValue
        do {
            json = try JSONParser.parse(body)
        } catch {
            engine.recorder.recordViolation("HTTP: malformed JSON body (\(error))")
            return Self.error(.invalidJSON)
        }
        let create: CreateRequest
        let prepared: PreparedResponse
        do {
            create = try RequestValidator.parseCreate(json, transport: .http)
            var parent: ResolvedParent? = nil
            if let previous = create.previousResponseID {
                // HTTP has no connection cache: only stored responses can be continued.
                guard !engine.configuration.faults.forgetCachedResponses, let stored = engine.store.get(previous)
                else { throw EmulatorError.previousResponseNotFound(previous) }
                parent = ResolvedParent(record: stored, fromConnectionCache: false)
            }
            prepared = try engine.prepare(create, parent: parent)
        } catch let error as EmulatorError {
            return Self.error(error)
        }

        guard create.stream else {
            guard prepared.record != nil, let last = prepared.events.last, let response = last["response"] else {
                return Self.error(.serverError)
            }
            return Self.json(response, status: 200)
        }
        return sse(prepared, context: context)
    }

    private func sse(_ prepared: PreparedResponse, context: EmulatorRequestContext) -> Response {
        let configuration = engine.configuration
        let closeAbruptly = context.closeConnectionAbruptly
        struct DroppedByFault: Error {}
        let body = ResponseBody { writer in
            for (index, event) in prepared.events.enumerated() {
                let delay = index == 0 ? configuration.firstEventDelay : configuration.interEventDelay
                if delay > .zero { try await Task.sleep(for: delay) }
                let type = event["type"]?.stringValue ?? "unknown"
                try await writer.write(ByteBuffer(string: "event: \(type)\ndata: \(event.serialized)\n\n"))
                if let limit = configuration.faults.dropAfterEvents, index + 1 >= limit,
                    index + 1 < prepared.events.count
                {
                    closeAbruptly()
                    throw DroppedByFault()
                }
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache"],
            body: body
        )
    }

    private func authorizationFailure(_ request: Request) -> Response? {
        guard engine.configuration.requireAuthorization else { return nil }
        return Self.isAuthorized(request.headers[.authorization]) ? nil : Self.error(.missingAuthorization)
    }

    /// Whether an `Authorization` header value is `Bearer <non-empty>`.
    static func isAuthorized(_ value: String?) -> Bool {
        guard let value, value.hasPrefix("Bearer ") else { return false }
        return !value.dropFirst("Bearer ".count).allSatisfy { $0 == " " }
    }

    static func error(_ error: EmulatorError) -> Response {
        var response = json(error.httpBody, status: error.status)
        // The names are fixed lowercase tokens (`retry-after-ms`, `retry-after`), always valid field names.
        for (name, value) in error.headers { response.headers[.init(name)!] = value }
        return response
    }

    static func json(_ value: JSONValue, status: Int) -> Response {
        Response(
            status: .init(code: status),
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: value.serialized))
        )
    }
}
