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
    /// What each compaction item stands for (shared by all transports).
    let compactions = CompactionStore()
    /// The rate-limit storm switch (see ``EmulatorRateLimits``).
    var rateLimits = EmulatorRateLimits()

    /// Validates `request` against its parent chain and produces the response's events.
    /// - Parameters:
    ///   - request: the validated request.
    ///   - parent: the resolved `previous_response_id`, if any.
    /// - Returns: the prepared response.
    /// - Throws: a request-scoped ``EmulatorError`` (sent before any event of the response).
    func prepare(_ request: CreateRequest, parent: ResolvedParent?) throws(EmulatorError) -> PreparedResponse {
        guard let model = ModelCatalog.model(named: request.model) else { throw .modelNotFound(request.model) }
        if request.generate, let wait = rateLimits.take() { throw .rateLimited(retryAfterMillis: wait) }
        let history = parent?.record.conversation ?? []
        let pairing = Compaction.pairingWindow(history: history, input: request.input)
        if let violation = RequestValidator.checkToolPairing(history: pairing.history, input: pairing.input) {
            recorder.recordViolation(violation.message)
            throw violation
        }
        var conversation = history + request.input
        // The context window counts the effective context (from the latest compaction item on); a request that
        // asked for compaction is compacted past its threshold instead of refused.
        let promptTokens = Compaction.promptTokens(conversation, request: request)
        var compaction: JSONValue? = nil
        if request.generate, let threshold = Compaction.threshold(of: request), promptTokens > threshold {
            let item = compactions.makeItem(replacing: Compaction.expanded(conversation, store: compactions))
            compaction = item
            conversation.append(item)
        } else if let window = configuration.contextWindow, promptTokens > window {
            throw .contextLengthExceeded(window: window)
        }
        let known = Compaction.expanded(conversation, store: compactions)
        let partial = IncompleteRule.partialText(known)
        let plan: ModelPlan =
            request.generate ? model.plan(conversation: IncompleteRule.withoutPartial(known)) : .items([])

        let now = Int(Date().timeIntervalSince1970)
        var response = ResponseObject(id: IDGenerator.make("resp"), createdAt: now, request: request)
        var factory = EventFactory(streamID: request.streamID, unknownEventEvery: configuration.faults.unknownEventEvery)
        factory.reasoningSummary = (request.raw["reasoning"]?["summary"]?.stringValue).map { !$0.isEmpty } ?? false
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
            if let compaction { response.output.append(factory.emitCompaction(compaction, outputIndex: 0)) }
            let planned = IncompleteRule.resuming(planned, after: partial)
            let cut = IncompleteRule.cut(planned, request: request)
            for (index, item) in planned.enumerated() {
                let outputIndex = response.output.count
                if let cut, cut.index == index {
                    response.output.append(
                        factory.emitMessage(text: cut.text, phase: cut.phase, status: "incomplete", outputIndex: outputIndex))
                    break
                }
                response.output.append(factory.emitItem(item, outputIndex: outputIndex, includeEncryptedReasoning: encrypted))
            }
            let newInputTokens = Conversation.tokenEstimate(request.input)
            let reasoningTokens = planned.filter { $0 == .reasoning }.count * 12
            let outputTokens = planned.isEmpty ? 0 : Conversation.tokenEstimate(response.output) + reasoningTokens
            let cached = parent.map { $0.fromConnectionCache ? min($0.record.conversationTokens, promptTokens) : 0 } ?? 0
            response.usage = .init(
                inputTokens: promptTokens,
                cachedTokens: cached,
                outputTokens: outputTokens,
                reasoningTokens: reasoningTokens
            )
            response.completedAt = Int(Date().timeIntervalSince1970)
            if let cut {
                response.status = .incomplete
                response.incompleteReason = cut.reason
                factory.emit("response.incomplete", [("response", response.json)], terminal: true)
            } else {
                response.status = .completed
                factory.emit("response.completed", [("response", response.json)], terminal: true)
            }

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
