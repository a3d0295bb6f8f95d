import Foundation
import Hummingbird

/// `POST /v1/responses/compact`: compacts a conversation (`input` and/or `previous_response_id`) into every user
/// message followed by one `compaction` item, answered as a `response.compaction` object. Nothing is continuable
/// from it: the client starts a new chain with that output as input.
struct CompactRoute {
    let engine: ResponseEngine
    let outage: EmulatorOutage

    func register(on router: Router<EmulatorRequestContext>) {
        router.post("/v1/responses/compact") { request, context in
            if outage.isActive { return HTTPRoutes.error(EmulatorOutage.unavailable) }
            return try await self.compact(request, context: context)
        }
    }

    private func compact(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        var request = request
        let body = String(buffer: try await request.collectBody(upTo: context.maxUploadSize))
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = name == "authorization" ? "Bearer <redacted>" : field.value
        }
        engine.recorder.recordHTTP(
            RecordedHTTPRequest(method: "POST", path: request.uri.path, headers: headers, body: body))
        if engine.configuration.requireAuthorization, !HTTPRoutes.isAuthorized(request.headers[.authorization]) {
            return HTTPRoutes.error(.missingAuthorization)
        }
        guard let json = try? JSONParser.parse(body), json.objectMembers != nil else {
            return HTTPRoutes.error(.invalidJSON)
        }
        guard let model = json["model"]?.stringValue else { return HTTPRoutes.error(.missingParameter("model")) }
        guard ModelCatalog.model(named: model) != nil else { return HTTPRoutes.error(.modelNotFound(model)) }
        var conversation: [JSONValue] = []
        if let previous = json["previous_response_id"]?.stringValue {
            guard let stored = engine.store.get(previous) else {
                return HTTPRoutes.error(.previousResponseNotFound(previous))
            }
            conversation = stored.conversation
        }
        switch json["input"] {
        case .string(let text)?:
            conversation.append(
                .object([
                    ("type", .string("message")), ("role", .string("user")),
                    ("content", .array([.object([("type", .string("input_text")), ("text", .string(text))])])),
                ]))
        case .array(let items)?:
            conversation += items
        default:
            break
        }
        let output = Compaction.compact(conversation, store: engine.compactions)
        let inputTokens = Conversation.tokenEstimate(Compaction.effective(conversation))
        let outputTokens = Conversation.tokenEstimate(output)
        let usage = ResponseObject.Usage(
            inputTokens: inputTokens, cachedTokens: 0, outputTokens: outputTokens, reasoningTokens: 0)
        let answer = JSONValue.object([
            ("id", .string(IDGenerator.make("resp"))),
            ("object", .string("response.compaction")),
            ("created_at", .int(Int(Date().timeIntervalSince1970))),
            ("output", .array(output)),
            ("usage", usage.json),
        ])
        return HTTPRoutes.json(answer, status: 200)
    }
}
