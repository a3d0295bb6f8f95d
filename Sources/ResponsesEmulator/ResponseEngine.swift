import Foundation

/// The parent a continuation resolved to, and whether it came from the connection-local cache.
struct ResolvedParent: Sendable {
    var record: ResponseRecord
    /// True when served from a connection's lane cache (the fast path: prompt counted as cached tokens).
    var fromConnectionCache: Bool
}

/// A response ready to stream: its events, and what to remember once it ends.
struct PreparedResponse: Sendable {
    /// Every event of the response, numbered from 0, terminal event last.
    var events: [JSONValue]
    /// The continuable record (nil when the response failed).
    var record: ResponseRecord?
    /// The response id (also for failed responses).
    var responseID: String
}

/// Runs scripted models for validated requests; shared by the WebSocket and HTTP transports.
struct ResponseEngine: Sendable {
    let configuration: EmulatorConfiguration
    let recorder: EmulatorRecorder
    let store: ResponseStore

    /// Validates `request` against its parent chain and produces the response's events.
    /// - Parameters:
    ///   - request: the validated request.
    ///   - parent: the resolved `previous_response_id`, if any.
    /// - Returns: the prepared response.
    /// - Throws: a request-scoped ``EmulatorError`` (sent before any event of the response).
    func prepare(_ request: CreateRequest, parent: ResolvedParent?) throws(EmulatorError) -> PreparedResponse {
        guard let model = ModelCatalog.model(named: request.model) else { throw .modelNotFound(request.model) }
        let history = parent?.record.conversation ?? []
        if let violation = RequestValidator.checkToolPairing(history: history, input: request.input) {
            recorder.recordViolation(violation.message)
            throw violation
        }
        let conversation = history + request.input
        let plan: ModelPlan = request.generate ? model.plan(conversation: conversation) : .items([])

        let now = Int(Date().timeIntervalSince1970)
        var response = ResponseObject(id: IDGenerator.make("resp"), createdAt: now, request: request)
        var factory = EventFactory(streamID: request.streamID, unknownEventEvery: configuration.faults.unknownEventEvery)
        factory.emit("response.created", [("response", response.json)])
        factory.emit("response.in_progress", [("response", response.json)])

        switch plan {
        case .failure(let error):
            factory.emitError(error)
            response.status = .failed
            response.error = (error.code ?? "server_error", error.message)
            factory.emit("response.failed", [("response", response.json)], terminal: true)
            return PreparedResponse(events: factory.events, record: nil, responseID: response.id)

        case .items(let planned):
            let encrypted = request.include.contains("reasoning.encrypted_content")
            for (index, item) in planned.enumerated() {
                response.output.append(factory.emitItem(item, outputIndex: index, includeEncryptedReasoning: encrypted))
            }
            let newInputTokens = Conversation.tokenEstimate(request.input)
            // Estimated prompt: the chain so far, the new input, instructions and tools.
            let inputTokens =
                (parent?.record.conversationTokens ?? 0) + newInputTokens
                + Conversation.tokenEstimate([request.raw["instructions"] ?? .null, request.raw["tools"] ?? .null])
            let reasoningTokens = planned.filter { $0 == .reasoning }.count * 12
            let outputTokens = planned.isEmpty ? 0 : Conversation.tokenEstimate(response.output) + reasoningTokens
            let cached = parent.map { $0.fromConnectionCache ? min($0.record.conversationTokens, inputTokens) : 0 } ?? 0
            response.usage = .init(
                inputTokens: inputTokens,
                cachedTokens: cached,
                outputTokens: outputTokens,
                reasoningTokens: reasoningTokens
            )
            response.status = .completed
            response.completedAt = Int(Date().timeIntervalSince1970)
            factory.emit("response.completed", [("response", response.json)], terminal: true)

            let record = ResponseRecord(
                id: response.id,
                parent: parent?.record,
                items: request.input + response.output,
                responseObject: response.json,
                store: request.store,
                conversationTokens: (parent?.record.conversationTokens ?? 0) + newInputTokens
                    + Conversation.tokenEstimate(response.output)
            )
            if request.store { store.put(record) }
            return PreparedResponse(events: factory.events, record: record, responseID: response.id)
        }
    }
}
